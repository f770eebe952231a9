//! [`ClerkConfig`]: everything the server half needs, loaded once at start-up.
//!
//! From the environment (Clerk's own variable names, so Clerk's docs apply):
//!
//! ```no_run
//! let config = leptos_clerk::server::ClerkConfig::from_env()?;
//! # Ok::<(), leptos_clerk::server::ConfigError>(())
//! ```
//!
//! Or in code (all fields are public; start from [`ClerkConfig::new`]):
//!
//! ```
//! use leptos_clerk::server::ClerkConfig;
//! let mut config = ClerkConfig::new("pk_test_Y2xlcmsubG9jYWxob3N0JA", "sk_test_local");
//! config.api_url = "http://127.0.0.1:3000/__clerk/api".into();
//! config.proxy_url = Some("/__clerk".into());
//! config.authorized_parties = vec!["http://127.0.0.1:3000".into()];
//! config.validate().expect("valid Clerk configuration");
//! ```

use std::time::Duration;

use jsonwebtoken::DecodingKey;
use thiserror::Error;

use super::backend_api::{
    BreakerConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE, DEFAULT_MAX_RETRIES,
};
use super::env::{self, Env};
use super::keys::{script_url, secret_key_instance, InstanceType, PublishableKey};
use super::satellite::is_absolute_http_url;
use crate::state::ClerkUrls;

/// Default Backend API base URL (`CLERK_API_URL`).
pub(super) const DEFAULT_API_URL: &str = "https://api.clerk.com";
/// Default `Clerk-API-Version` (`CLERK_API_VERSION`).
pub(super) const DEFAULT_API_VERSION: &str = "2025-11-10";
/// Default ClerkJS version (`CLERK_JS_VERSION`).
pub(super) const DEFAULT_CLERK_JS_VERSION: &str = "6.40.0";
/// Default `@clerk/ui` version (`CLERK_UI_VERSION`).
pub(super) const DEFAULT_CLERK_UI_VERSION: &str = "1.36.0";
/// Default allowed clock skew in seconds (`CLERK_CLOCK_SKEW_SECS`).
pub(super) const DEFAULT_CLOCK_SKEW_SECS: u64 = 5;
/// Largest accepted clock skew in seconds.
pub(super) const MAX_CLOCK_SKEW_SECS: u64 = 60;

/// A start-up configuration error; the message names the variable and the fix.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    /// A required variable is missing.
    #[error("{name} is not set: {fix}")]
    Missing {
        /// The environment variable.
        name: &'static str,
        /// How to fix it.
        fix: &'static str,
    },
    /// A variable is set but its value cannot be used.
    #[error("{name} is invalid ({problem}): {fix}")]
    Invalid {
        /// The environment variable.
        name: &'static str,
        /// What is wrong with the value (never the value of a secret).
        problem: String,
        /// How to fix it.
        fix: &'static str,
    },
}

fn invalid(name: &'static str, problem: impl Into<String>, fix: &'static str) -> ConfigError {
    ConfigError::Invalid {
        name,
        problem: problem.into(),
        fix,
    }
}

/// Everything the server half needs. Build it with [`ClerkConfig::from_env`],
/// [`ClerkConfig::from_lookup`] or [`ClerkConfig::new`] + field assignments;
/// [`ClerkConfig::validate`] (also run by `Clerk::new`) checks it. Its `Debug`
/// output redacts the secret key.
#[derive(Clone)]
pub struct ClerkConfig {
    /// `CLERK_PUBLISHABLE_KEY` (`pk_test_…` / `pk_live_…`).
    pub publishable_key: String,
    /// `CLERK_SECRET_KEY` (`sk_test_…` / `sk_live_…`). Never logged.
    pub secret_key: String,
    /// `CLERK_JWT_KEY`: the instance's PEM public key for networkless verification.
    pub jwt_key: Option<String>,
    /// `CLERK_API_URL` without `/v1` (requests go to `{api_url}/v1/…`).
    pub api_url: String,
    /// `CLERK_API_VERSION`, sent as `Clerk-API-Version`.
    pub api_version: String,
    /// Sign-in/up URLs and redirect targets handed to the browser.
    pub urls: ClerkUrls,
    /// `CLERK_AUTHORIZED_PARTIES`: accepted `azp` origins (empty = not checked).
    pub authorized_parties: Vec<String>,
    /// `CLERK_PROXY_URL`: Frontend API proxy, absolute or relative (`/__clerk`).
    pub proxy_url: Option<String>,
    /// `CLERK_DOMAIN`: satellite domain.
    pub domain: Option<String>,
    /// `CLERK_IS_SATELLITE`.
    pub is_satellite: bool,
    /// `CLERK_CLOCK_SKEW_SECS` (default 5 s, at most 60 s).
    pub clock_skew: Duration,
    /// `CLERK_JS_URL`: overrides where `clerk.browser.js` is loaded from.
    pub clerk_js_url: Option<String>,
    /// `CLERK_JS_VERSION`.
    pub clerk_js_version: String,
    /// `CLERK_UI_URL`: overrides where `ui.browser.js` is loaded from.
    pub clerk_ui_url: Option<String>,
    /// `CLERK_UI_VERSION`.
    pub clerk_ui_version: String,
    /// Limit of one Backend API attempt (default 2 s); the deadline cuts it shorter.
    pub http_timeout: Duration,
    /// `CLERK_API_CONNECT_TIMEOUT_MS`: limit for connecting to the Backend API (default 1 s).
    pub http_connect_timeout: Duration,
    /// `CLERK_API_DEADLINE_MS`: longest time a request waits for the Backend API, retries
    /// included (default 2 s): one call, or all calls of a page through
    /// [`BackendApi::for_request`](super::backend_api::BackendApi::for_request).
    pub http_deadline: Duration,
    /// `CLERK_API_MAX_RETRIES`: retries of an idempotent Backend API call inside the deadline
    /// (default 3).
    pub http_max_retries: u32,
    /// `CLERK_API_BREAKER_FAILURES` / `CLERK_API_BREAKER_COOLDOWN_SECS`: after this many
    /// Backend API outages in a row (default 5) calls fail at once for the cool-down (default
    /// 10 s), then one call probes whether Clerk is back.
    pub breaker: BreakerConfig,
    /// How long a fetched JWKS is fresh (Clerk: 5 minutes).
    pub jwks_cache_ttl: Duration,
    /// Minimum time between two JWKS fetches caused by an unknown `kid` or a
    /// failed refresh (default 30 s), so bad tokens cannot hammer the API.
    pub jwks_min_refetch_interval: Duration,
    /// Treat `sts=pending` sessions as signed out (Clerk's default: `true`).
    pub treat_pending_as_signed_out: bool,
    /// `CLERK_TRUST_FORWARDED_HEADERS`: build the request's public URL (handshake and
    /// sync redirects) from `X-Forwarded-Proto` / `X-Forwarded-Host`. Off by default: anyone
    /// can send them, so set it only behind a proxy or load balancer that overwrites them.
    /// Off, the request's own `Host` and `http` decide.
    pub trust_forwarded_headers: bool,
}

impl ClerkConfig {
    /// A configuration with Clerk's defaults for everything but the two keys.
    pub fn new(publishable_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        ClerkConfig {
            publishable_key: publishable_key.into(),
            secret_key: secret_key.into(),
            jwt_key: None,
            api_url: DEFAULT_API_URL.into(),
            api_version: DEFAULT_API_VERSION.into(),
            urls: ClerkUrls {
                sign_in_url: "/sign-in".into(),
                sign_up_url: "/sign-up".into(),
                after_sign_out_url: "/".into(),
                ..ClerkUrls::default()
            },
            authorized_parties: Vec::new(),
            proxy_url: None,
            domain: None,
            is_satellite: false,
            clock_skew: Duration::from_secs(DEFAULT_CLOCK_SKEW_SECS),
            clerk_js_url: None,
            clerk_js_version: DEFAULT_CLERK_JS_VERSION.into(),
            clerk_ui_url: None,
            clerk_ui_version: DEFAULT_CLERK_UI_VERSION.into(),
            http_timeout: DEFAULT_DEADLINE,
            http_connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            http_deadline: DEFAULT_DEADLINE,
            http_max_retries: DEFAULT_MAX_RETRIES,
            breaker: BreakerConfig::default(),
            jwks_cache_ttl: Duration::from_secs(300),
            jwks_min_refetch_interval: Duration::from_secs(30),
            treat_pending_as_signed_out: true,
            trust_forwarded_headers: false,
        }
    }

    /// This configuration with [`ClerkConfig::trust_forwarded_headers`] set to `trust`
    /// (the programmatic form of `CLERK_TRUST_FORWARDED_HEADERS=1`).
    pub fn with_trusted_forwarded_headers(mut self, trust: bool) -> Self {
        self.trust_forwarded_headers = trust;
        self
    }

    /// Reads the configuration from the process environment and validates it.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(env::process)
    }

    /// Reads the configuration through `lookup` (a variable name → value
    /// function; empty values count as unset) and validates it.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env::new(lookup);
        let get = |name: &str| env.text(name);
        let deprecated = |old, new| env.deprecated(old, new);
        let secret_key = match get("CLERK_SECRET_KEY") {
            Some(key) => key,
            None => {
                deprecated("CLERK_API_KEY", "CLERK_SECRET_KEY").ok_or(ConfigError::Missing {
                    name: "CLERK_SECRET_KEY",
                    fix: "copy the secret key (sk_test_… or sk_live_…) from the Clerk dashboard, \
                      API keys page, into CLERK_SECRET_KEY",
                })?
            }
        };
        let publishable_key = match get("CLERK_PUBLISHABLE_KEY") {
            Some(key) => key,
            None => {
                let host = deprecated("CLERK_FRONTEND_API", "CLERK_PUBLISHABLE_KEY").ok_or(
                    ConfigError::Missing {
                        name: "CLERK_PUBLISHABLE_KEY",
                        fix: "copy the publishable key (pk_test_… or pk_live_…) from the Clerk \
                              dashboard, API keys page, into CLERK_PUBLISHABLE_KEY",
                    },
                )?;
                let instance =
                    secret_key_instance(&secret_key).unwrap_or(InstanceType::Development);
                PublishableKey::from_frontend_api(host.trim_start_matches("https://"), instance).key
            }
        };
        let mut config = ClerkConfig::new(publishable_key, secret_key);
        config.jwt_key = get("CLERK_JWT_KEY").map(|pem| pem.replace("\\n", "\n"));
        if let Some(url) = get("CLERK_API_URL") {
            config.api_url = url.trim_end_matches('/').trim_end_matches("/v1").to_owned();
        }
        if let Some(version) = get("CLERK_API_VERSION") {
            config.api_version = version;
        }
        let urls = &mut config.urls;
        if let Some(url) = get("CLERK_SIGN_IN_URL") {
            urls.sign_in_url = url;
        }
        if let Some(url) = get("CLERK_SIGN_UP_URL") {
            urls.sign_up_url = url;
        }
        if let Some(url) = get("CLERK_AFTER_SIGN_OUT_URL") {
            urls.after_sign_out_url = url;
        }
        urls.sign_in_fallback_redirect_url =
            get("CLERK_SIGN_IN_FALLBACK_REDIRECT_URL").or_else(|| {
                deprecated(
                    "CLERK_AFTER_SIGN_IN_URL",
                    "CLERK_SIGN_IN_FALLBACK_REDIRECT_URL",
                )
            });
        urls.sign_up_fallback_redirect_url =
            get("CLERK_SIGN_UP_FALLBACK_REDIRECT_URL").or_else(|| {
                deprecated(
                    "CLERK_AFTER_SIGN_UP_URL",
                    "CLERK_SIGN_UP_FALLBACK_REDIRECT_URL",
                )
            });
        urls.sign_in_force_redirect_url = get("CLERK_SIGN_IN_FORCE_REDIRECT_URL");
        urls.sign_up_force_redirect_url = get("CLERK_SIGN_UP_FORCE_REDIRECT_URL");
        config.authorized_parties = get("CLERK_AUTHORIZED_PARTIES")
            .map(|list| {
                list.split(',')
                    .map(|p| p.trim().trim_end_matches('/').to_owned())
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        config.proxy_url = get("CLERK_PROXY_URL");
        config.domain = get("CLERK_DOMAIN");
        config.is_satellite = env.flag("CLERK_IS_SATELLITE");
        config.trust_forwarded_headers = env.flag("CLERK_TRUST_FORWARDED_HEADERS");
        let number = |name: &'static str, fix: &'static str, range| {
            env.number(name, range)
                .map_err(|error| invalid(name, error.problem(), fix))
        };
        if let Some(secs) = number(
            "CLERK_CLOCK_SKEW_SECS",
            "set it to a number of seconds between 0 and 60 (default 5)",
            0..=MAX_CLOCK_SKEW_SECS,
        )? {
            config.clock_skew = Duration::from_secs(secs);
        }
        if let Some(ms) = number(
            "CLERK_API_DEADLINE_MS",
            "set it in milliseconds, e.g. 2000 (the default), at most 60000",
            1..=60_000,
        )? {
            config.http_deadline = Duration::from_millis(ms);
            config.http_timeout = config.http_deadline;
        }
        if let Some(ms) = number(
            "CLERK_API_CONNECT_TIMEOUT_MS",
            "set it in milliseconds, e.g. 1000 (the default), at most 60000",
            1..=60_000,
        )? {
            config.http_connect_timeout = Duration::from_millis(ms);
        }
        if let Some(retries) = number(
            "CLERK_API_MAX_RETRIES",
            "set a number of retries from 0 to 10 (default 3)",
            0..=10,
        )? {
            config.http_max_retries = retries as u32;
        }
        if let Some(failures) = number(
            "CLERK_API_BREAKER_FAILURES",
            "set the number of failures in a row, from 1 to 1000 (default 5)",
            1..=1_000,
        )? {
            config.breaker.failures = failures as u32;
        }
        if let Some(secs) = number(
            "CLERK_API_BREAKER_COOLDOWN_SECS",
            "set it in seconds, from 1 to 3600 (default 10)",
            1..=3_600,
        )? {
            config.breaker.cooldown = Duration::from_secs(secs);
        }
        config.clerk_js_url = get("CLERK_JS_URL");
        config.clerk_ui_url = get("CLERK_UI_URL");
        if let Some(v) = get("CLERK_JS_VERSION") {
            config.clerk_js_version = v;
        }
        if let Some(v) = get("CLERK_UI_VERSION") {
            config.clerk_ui_version = v;
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks the keys, the PEM key, the clock skew and the satellite setup, and
    /// returns the decoded publishable key.
    pub fn validate(&self) -> Result<PublishableKey, ConfigError> {
        let pk = PublishableKey::parse(&self.publishable_key).ok_or_else(|| {
            invalid(
                "CLERK_PUBLISHABLE_KEY",
                "not pk_test_/pk_live_ followed by the base64 of the Frontend API host",
                "copy the publishable key again from the Clerk dashboard, API keys page",
            )
        })?;
        let sk_instance = secret_key_instance(&self.secret_key).ok_or_else(|| {
            invalid(
                "CLERK_SECRET_KEY",
                "it does not start with sk_test_ or sk_live_",
                "copy the secret key again from the Clerk dashboard, API keys page",
            )
        })?;
        if sk_instance != pk.instance_type {
            return Err(invalid(
                "CLERK_SECRET_KEY",
                format!(
                    "the publishable key is pk_{}_ but the secret key is sk_{}_",
                    pk.instance_type.key_word(),
                    sk_instance.key_word()
                ),
                "use both keys of the same instance (development keys together, or \
                 production keys together)",
            ));
        }
        if let Some(pem) = &self.jwt_key {
            DecodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| {
                invalid(
                    "CLERK_JWT_KEY",
                    format!("not an RSA public key in PEM format ({e})"),
                    "paste the PEM public key from the Clerk dashboard, API keys page, \
                     including the BEGIN/END PUBLIC KEY lines, or unset the variable",
                )
            })?;
        }
        if self.clock_skew > Duration::from_secs(MAX_CLOCK_SKEW_SECS) {
            return Err(invalid(
                "CLERK_CLOCK_SKEW_SECS",
                format!(
                    "{} s is more than {MAX_CLOCK_SKEW_SECS} s",
                    self.clock_skew.as_secs()
                ),
                "set a value between 0 and 60 and keep the server clock synchronised (NTP)",
            ));
        }
        if !(self.api_url.starts_with("https://") || self.api_url.starts_with("http://")) {
            return Err(invalid(
                "CLERK_API_URL",
                "it is not an http(s) URL",
                "set it to the Backend API base URL, e.g. https://api.clerk.com",
            ));
        }
        if self.is_satellite && self.proxy_url.is_none() && self.domain.is_none() {
            return Err(ConfigError::Missing {
                name: "CLERK_DOMAIN",
                fix: "a satellite application (CLERK_IS_SATELLITE=true) needs CLERK_DOMAIN or \
                      CLERK_PROXY_URL",
            });
        }
        let dev = pk.instance_type == InstanceType::Development;
        if self.is_satellite && dev && !is_absolute_http_url(&self.urls.sign_in_url) {
            return Err(invalid(
                "CLERK_SIGN_IN_URL",
                "a development satellite (CLERK_IS_SATELLITE=true with pk_test_ keys) needs an \
                 absolute http(s) sign-in URL",
                "set CLERK_SIGN_IN_URL to the sign-in page of the primary application, e.g. \
                 https://primary.example.com/sign-in",
            ));
        }
        Ok(pk)
    }

    /// The Frontend API host of this app: `clerk.<domain>` for production
    /// satellites, else the host encoded in the publishable key.
    pub fn frontend_api_host(&self, pk: &PublishableKey) -> String {
        match (&self.domain, self.is_satellite, pk.instance_type) {
            (Some(domain), true, InstanceType::Production) => {
                format!("clerk.{}", domain.trim_start_matches("https://"))
            }
            _ => pk.frontend_api.clone(),
        }
    }

    /// Where `clerk.browser.js` is loaded from.
    pub fn clerk_js_script_url(&self, pk: &PublishableKey) -> String {
        let path = format!(
            "@clerk/clerk-js@{}/dist/clerk.browser.js",
            self.clerk_js_version
        );
        let host = self.frontend_api_host(pk);
        script_url(
            self.clerk_js_url.as_deref(),
            self.proxy_url.as_deref(),
            &host,
            &path,
        )
    }

    /// Where `ui.browser.js` (`@clerk/ui`) is loaded from.
    pub fn clerk_ui_script_url(&self, pk: &PublishableKey) -> String {
        let path = format!("@clerk/ui@{}/dist/ui.browser.js", self.clerk_ui_version);
        let host = self.frontend_api_host(pk);
        script_url(
            self.clerk_ui_url.as_deref(),
            self.proxy_url.as_deref(),
            &host,
            &path,
        )
    }
}

impl std::fmt::Debug for ClerkConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClerkConfig")
            .field("publishable_key", &self.publishable_key)
            .field("secret_key", &"[redacted]")
            .field("jwt_key", &self.jwt_key.as_ref().map(|_| "[PEM]"))
            .field("api_url", &self.api_url)
            .field("api_version", &self.api_version)
            .field("urls", &self.urls)
            .field("authorized_parties", &self.authorized_parties)
            .field("proxy_url", &self.proxy_url)
            .field("domain", &self.domain)
            .field("is_satellite", &self.is_satellite)
            .field("clock_skew", &self.clock_skew)
            .field("trust_forwarded_headers", &self.trust_forwarded_headers)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
