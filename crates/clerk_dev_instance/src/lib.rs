//! A local, offline Clerk development instance.
//!
//! When no Clerk keys are configured the app nests [`DevInstance::router`] at `/__clerk` and
//! points the real, unmodified ClerkJS at it (`data-clerk-proxy-url="/__clerk"` with
//! [`DevInstance::publishable_key`]). The instance answers the subset of Clerk's Frontend API
//! (FAPI, `/__clerk/v1/...`) that email + password sign-in and email-code sign-up need, a subset
//! of the Backend API (BAPI, `/__clerk/api/v1/...`, authenticated with
//! [`DevInstance::secret_key`]), the handshake used by server-side auth, the pinned ClerkJS
//! bundles (`/__clerk/npm/...`) and a small developer page (`/__clerk/dev`) listing the
//! verification codes it "sent" and its users.
//!
//! It is also an OAuth 2.0 provider for the OAuth applications in
//! [`DevInstanceConfig::oauth_clients`] (`/oauth/authorize`, `/oauth/token`, `/oauth/userinfo`),
//! so "Sign in with Clerk" over OAuth works offline too.
//!
//! Users, clients and sessions live in SQLite (`data_dir/instance.sqlite3`), the RSA signing key
//! in `data_dir/signing-key.pem`, so everything survives restarts. Session tokens are RS256 JWTs
//! with Clerk's v2 claims and session category (`cat`), issued by [`ISSUER`]; their `pla` and
//! `fea` claims come from the [`BILLING_METADATA_KEY`] entry of the user's and the active
//! organization's private metadata (this instance has no billing).
//!
//! The instance refuses to open in a release build unless
//! [`DevInstanceConfig::allow_in_release`] is set: it mints tokens the app trusts. It only
//! serves the developer's own browser: it refuses a non-loopback
//! [`DevInstanceConfig::bind_addr`] without [`DevInstanceConfig::allow_remote`] ([`bind_guard`]),
//! answers 403 to requests whose `Host` is not one of the app's addresses (DNS rebinding),
//! throttles wrong passwords per account and bounds what anonymous requests can store
//! ([`Limits`]).

#![recursion_limit = "256"]
#![deny(missing_docs)]
#![deny(unreachable_pub)]

mod assets;
mod bapi;
mod billing;
mod config;
mod dev_page;
mod env_config;
mod error;
mod fapi;
mod form;
mod instance;
mod keys;
mod local_only;
mod names;
mod oauth;
mod org_ops;
mod org_views;
mod orgs;
mod passwords;
mod router;
mod store;
mod throttle;
mod util;
mod views;

use std::sync::Arc;

use axum::Router;

pub use billing::METADATA_KEY as BILLING_METADATA_KEY;
pub use config::OrgPermission;
pub use config::{DevInstanceConfig, InstanceEnvironment, Limits, OAuthClient};
pub use error::{ApiError, DevInstanceError};
pub use local_only::{bind_guard, ALLOW_REMOTE_VAR};
pub use names::{
    CLERK_JS_VERSION, CLERK_UI_VERSION, CLIENT_COOKIE, ISSUER, PUBLISHABLE_KEY,
    PUBLISHABLE_KEY_LIVE,
};

use instance::Instance;

/// An opened local Clerk dev instance. Cheap to clone; all clones share the same state.
#[derive(Clone)]
pub struct DevInstance {
    inner: Arc<Instance>,
}

impl std::fmt::Debug for DevInstance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevInstance")
            .field("data_dir", &self.inner.config.data_dir)
            .finish()
    }
}

/// Refuses release builds unless explicitly allowed. `debug_build` is `cfg!(debug_assertions)`
/// in [`DevInstance::open`]; it is a parameter so the rule itself can be tested.
pub fn build_guard(debug_build: bool, allow_in_release: bool) -> Result<(), DevInstanceError> {
    if debug_build || allow_in_release {
        Ok(())
    } else {
        Err(DevInstanceError::ReleaseBuild)
    }
}

impl DevInstance {
    /// Opens the instance stored in `config.data_dir`, creating the folder, database, signing
    /// key, secret key and demo user on first use.
    pub fn open(config: DevInstanceConfig) -> Result<Self, DevInstanceError> {
        build_guard(cfg!(debug_assertions), config.allow_in_release)?;
        if let Some(addr) = config.bind_addr {
            bind_guard(addr, config.allow_remote)?;
        }
        if config.app_origins.is_empty() {
            return Err(DevInstanceError::NoAppOrigins);
        }
        tracing::warn!(
            "\n*************************************************************************\n\
             * LOCAL CLERK DEV INSTANCE ACTIVE (no Clerk keys configured).           *\n\
             * Sign-ins are emulated offline; data lives in {:<24} *\n\
             * Never use this in production: set CLERK_PUBLISHABLE_KEY and           *\n\
             * CLERK_SECRET_KEY to use a real Clerk instance.                        *\n\
             *************************************************************************",
            config.data_dir.display().to_string()
        );
        let inner = Instance::open(config)?;
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The publishable key ClerkJS must be given ([`PUBLISHABLE_KEY`], or
    /// [`PUBLISHABLE_KEY_LIVE`] for a production instance).
    pub fn publishable_key(&self) -> &str {
        self.inner.config.environment.publishable_key()
    }

    /// The instance's secret key (`sk_test_…`, `sk_live_…` for a production instance),
    /// generated once and kept in the database. BAPI
    /// calls must send it as `Authorization: Bearer <secret key>`.
    pub fn secret_key(&self) -> String {
        self.inner.secret_key.clone()
    }

    /// The `iss` claim of session tokens ([`ISSUER`]).
    pub fn issuer(&self) -> &str {
        ISSUER
    }

    /// The Backend API base URL for an app served at `origin`: `{origin}/__clerk/api`.
    pub fn backend_api_url(&self, origin: &str) -> String {
        format!("{}/__clerk/api", origin.trim_end_matches('/'))
    }

    /// The JSON Web Key Set with the public signing key (as served at `/v1/jwks`).
    pub fn jwks(&self) -> serde_json::Value {
        self.inner.key.jwks()
    }

    /// The registered OAuth application `client_id` ([`DevInstanceConfig::oauth_clients`]),
    /// secret included: what the app's OAuth client needs to talk to this instance.
    pub fn oauth_client(&self, client_id: &str) -> Option<OAuthClient> {
        self.inner.config.oauth_client(client_id).cloned()
    }

    /// The axum router to nest at `/__clerk`.
    pub fn router(&self) -> Router {
        router::router(self.inner.clone())
    }
}

/// `len` random alphanumeric characters from the operating system's RNG (for per-start
/// secrets of apps running against the instance, e.g. a session secret).
pub fn random_secret(len: usize) -> String {
    util::random_token(len)
}
