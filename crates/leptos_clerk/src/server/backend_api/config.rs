//! Configuration of the Backend API client.

use std::fmt;
use std::time::Duration;

/// Clerk's production Backend API origin; requests go to `{api_url}/v1/…`.
pub const DEFAULT_API_URL: &str = "https://api.clerk.com";

/// The Backend API version this crate speaks, sent as `Clerk-API-Version`.
pub const DEFAULT_API_VERSION: &str = "2025-11-10";

/// How a [`BackendApi`](super::BackendApi) reaches Clerk.
///
/// `Debug` never shows the secret key.
#[derive(Clone)]
pub struct BackendApiConfig {
    /// Origin of the Backend API, without `/v1` (`CLERK_API_URL`, default [`DEFAULT_API_URL`]).
    pub api_url: String,
    /// The instance's secret key (`CLERK_SECRET_KEY`, `sk_test_…` / `sk_live_…`).
    pub secret_key: String,
    /// Sent as `Clerk-API-Version` (`CLERK_API_VERSION`, default [`DEFAULT_API_VERSION`]).
    pub api_version: String,
    /// Limit for one HTTP exchange, from connecting to the last body byte.
    pub timeout: Duration,
    /// How often an idempotent call (GET, DELETE) is repeated after a transient failure.
    pub max_retries: u32,
    /// Upper bound for the sum of all waits between retries of one call.
    pub max_retry_wait: Duration,
}

impl BackendApiConfig {
    /// A configuration with the given secret key and every other field at its default.
    pub fn new(secret_key: impl Into<String>) -> Self {
        Self {
            api_url: DEFAULT_API_URL.to_owned(),
            secret_key: secret_key.into(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            timeout: Duration::from_secs(10),
            max_retries: 3,
            max_retry_wait: Duration::from_secs(10),
        }
    }

    /// Reads `CLERK_SECRET_KEY` (required), `CLERK_API_URL` and `CLERK_API_VERSION`.
    pub fn from_env() -> Result<Self, super::BackendApiError> {
        let secret_key = non_empty_env("CLERK_SECRET_KEY").ok_or_else(|| {
            super::BackendApiError::Config(
                "CLERK_SECRET_KEY is not set: copy the secret key from the Clerk dashboard \
                 (API keys) into the environment or .env"
                    .to_owned(),
            )
        })?;
        let mut config = Self::new(secret_key);
        if let Some(api_url) = non_empty_env("CLERK_API_URL") {
            config.api_url = api_url;
        }
        if let Some(api_version) = non_empty_env("CLERK_API_VERSION") {
            config.api_version = api_version;
        }
        Ok(config)
    }
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

impl fmt::Debug for BackendApiConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackendApiConfig")
            .field("api_url", &self.api_url)
            .field("secret_key", &redacted(&self.secret_key))
            .field("api_version", &self.api_version)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("max_retry_wait", &self.max_retry_wait)
            .finish()
    }
}

/// Shows only the key's kind (`sk_test_…` / `sk_live_…`), never its secret part.
fn redacted(secret_key: &str) -> &'static str {
    if secret_key.starts_with("sk_live_") {
        "sk_live_[redacted]"
    } else if secret_key.starts_with("sk_test_") {
        "sk_test_[redacted]"
    } else if secret_key.is_empty() {
        "[empty]"
    } else {
        "[redacted]"
    }
}
