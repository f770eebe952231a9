//! Configuration of the Backend API client.

use std::fmt;
use std::time::Duration;

use crate::server::env::{self, Env};

pub use crate::server::breaker::BreakerConfig;

/// Clerk's production Backend API origin; requests go to `{api_url}/v1/…`.
pub const DEFAULT_API_URL: &str = "https://api.clerk.com";

/// The Backend API version this crate speaks, sent as `Clerk-API-Version`.
pub const DEFAULT_API_VERSION: &str = "2025-11-10";

/// Default [`BackendApiConfig::connect_timeout`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// Default [`BackendApiConfig::deadline`] (and [`BackendApiConfig::timeout`]): what a page
/// waits for Clerk at most.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(2);

/// Default [`BackendApiConfig::max_retries`].
pub const DEFAULT_MAX_RETRIES: u32 = 3;

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
    /// Limit for connecting (TCP and TLS) to the Backend API (default 1 s).
    pub connect_timeout: Duration,
    /// Limit for one attempt, from connecting to the last body byte (default 2 s); the
    /// deadline cuts it shorter when less time is left.
    pub timeout: Duration,
    /// Longest time one call takes, every attempt, backoff and `Retry-After` wait included
    /// (default 2 s). A handle from [`BackendApi::for_request`](super::BackendApi::for_request)
    /// applies it to all its calls together instead, for one incoming request.
    pub deadline: Duration,
    /// How often an idempotent call (GET, DELETE) is repeated after a transient failure, inside
    /// the deadline (default 3).
    pub max_retries: u32,
    /// When calls stop reaching out to a Backend API that keeps failing (default: 5 outages in
    /// a row, then 10 s of failing at once).
    pub breaker: BreakerConfig,
}

impl BackendApiConfig {
    /// A configuration with the given secret key and every other field at its default.
    pub fn new(secret_key: impl Into<String>) -> Self {
        Self {
            api_url: DEFAULT_API_URL.to_owned(),
            secret_key: secret_key.into(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_DEADLINE,
            deadline: DEFAULT_DEADLINE,
            max_retries: DEFAULT_MAX_RETRIES,
            breaker: BreakerConfig::default(),
        }
    }

    /// Reads `CLERK_SECRET_KEY` (required), `CLERK_API_URL` and `CLERK_API_VERSION`.
    pub fn from_env() -> Result<Self, super::BackendApiError> {
        let env = Env::new(env::process);
        let secret_key = env.text("CLERK_SECRET_KEY").ok_or_else(|| {
            super::BackendApiError::Config(
                "CLERK_SECRET_KEY is not set: copy the secret key from the Clerk dashboard \
                 (API keys) into the environment or .env"
                    .to_owned(),
            )
        })?;
        let mut config = Self::new(secret_key);
        if let Some(api_url) = env.text("CLERK_API_URL") {
            config.api_url = api_url;
        }
        if let Some(api_version) = env.text("CLERK_API_VERSION") {
            config.api_version = api_version;
        }
        Ok(config)
    }
}

impl fmt::Debug for BackendApiConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackendApiConfig")
            .field("api_url", &self.api_url)
            .field("secret_key", &redacted(&self.secret_key))
            .field("api_version", &self.api_version)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("max_retries", &self.max_retries)
            .field("breaker", &self.breaker)
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
