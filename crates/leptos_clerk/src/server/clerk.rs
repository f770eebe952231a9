//! [`Clerk`]: the shared handle (configuration, verifier, Backend API client), cheap to clone.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use jsonwebtoken::DecodingKey;

use super::auth::Auth;
use super::backend_api::{BackendApi, BackendApiConfig};
use super::claims::SessionClaims;
use super::config::{ClerkConfig, ConfigError};
use super::jwks::{JwksSettings, KeySource, RemoteJwks};
use super::keys::PublishableKey;
use super::nonce_budget::{ClientKey, NonceBudget, NoncePermit, NonceRefused};
use super::reasons::TokenVerificationError;
use super::token_cache::DEFAULT_CAPACITY;
use super::verify::{Verifier, VerifyOptions};
use crate::state::{AuthSnapshot, ClerkState};

struct Inner {
    /// Unique in this process: tells the browser states this handle built from any other's.
    id: u64,
    config: ClerkConfig,
    publishable_key: PublishableKey,
    cookie_suffix: String,
    verifier: Verifier,
    backend_api: BackendApi,
    /// The browser state of every signed-out request (the other states start from it).
    signed_out_state: Arc<ClerkState>,
    /// The limits on handshake-nonce resolution (see `nonce_budget`).
    nonce_budget: NonceBudget,
}

/// The Clerk integration of one app: build it once at start-up with
/// [`Clerk::new`], then add [`Clerk::layer`] to the axum router.
#[derive(Clone)]
pub struct Clerk {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Clerk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clerk")
            .field("frontend_api", &self.inner.publishable_key.frontend_api)
            .field("api_url", &self.inner.config.api_url)
            .finish_non_exhaustive()
    }
}

impl Clerk {
    /// Validates `config` and builds the verifier and the Backend API client.
    pub fn new(config: ClerkConfig) -> Result<Clerk, ConfigError> {
        let publishable_key = config.validate()?;
        let backend_api = backend_api(&config)?;
        let keys = match &config.jwt_key {
            Some(pem) => KeySource::Local(Arc::new(
                DecodingKey::from_rsa_pem(pem.as_bytes()).expect("validated PEM key"),
            )),
            None => KeySource::Remote(Box::new(RemoteJwks::new(
                backend_api.clone(),
                JwksSettings {
                    ttl: config.jwks_cache_ttl,
                    min_refetch_interval: config.jwks_min_refetch_interval,
                },
            ))),
        };
        let options = VerifyOptions {
            issuer: publishable_key.issuer(),
            authorized_parties: config.authorized_parties.clone(),
            clock_skew: config.clock_skew,
        };
        let signed_out_state = Arc::new(ClerkState {
            publishable_key: publishable_key.key.clone(),
            proxy_url: config.proxy_url.clone(),
            domain: config.domain.clone(),
            is_satellite: config.is_satellite,
            clerk_js_url: config.clerk_js_script_url(&publishable_key),
            clerk_ui_url: config.clerk_ui_script_url(&publishable_key),
            urls: config.urls.clone(),
            auth: Auth::signed_out(None).snapshot(),
        });
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        let inner = Inner {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            cookie_suffix: publishable_key.cookie_suffix(),
            verifier: Verifier::new(keys, options, DEFAULT_CAPACITY),
            backend_api,
            signed_out_state,
            nonce_budget: NonceBudget::new(),
            publishable_key,
            config,
        };
        Ok(Clerk {
            inner: Arc::new(inner),
        })
    }

    /// Reads [`ClerkConfig::from_env`] and builds the handle.
    pub fn from_env() -> Result<Clerk, ConfigError> {
        Clerk::new(ClerkConfig::from_env()?)
    }

    /// The configuration.
    pub fn config(&self) -> &ClerkConfig {
        &self.inner.config
    }

    /// The decoded publishable key.
    pub fn publishable_key(&self) -> &PublishableKey {
        &self.inner.publishable_key
    }

    /// This instance's cookie suffix.
    pub fn cookie_suffix(&self) -> &str {
        &self.inner.cookie_suffix
    }

    /// The session-token verifier (its keys and verified-token cache stay inside the crate).
    pub(crate) fn verifier(&self) -> &Verifier {
        &self.inner.verifier
    }

    /// How many verified session tokens the verified-token cache holds now (for metrics and
    /// tests: a token is cached once it verified, never when it was refused).
    pub fn cached_token_count(&self) -> usize {
        self.inner.verifier.cache().len()
    }

    /// The Backend API client built from this configuration (`secret_key`, `api_url`,
    /// `api_version`, the `http_*` limits and the breaker). Request authentication fetches the
    /// JWKS and the handshake payload through it; take [`BackendApi::for_request`] of it for
    /// your own calls (users, sessions, …) while a request waits, which retry transient
    /// failures within the deadline as described in [`backend_api`](crate::server::backend_api).
    pub fn backend_api(&self) -> &BackendApi {
        &self.inner.backend_api
    }

    /// Admits one handshake-nonce resolution for `client` within the limits of
    /// `nonce_budget`, or says which limit refused it (never waits).
    pub(crate) fn admit_nonce(
        &self,
        client: Option<ClientKey>,
    ) -> Result<NoncePermit<'_>, NonceRefused> {
        self.inner
            .nonce_budget
            .admit(client, std::time::Instant::now())
    }

    /// Whether session tokens can be verified now: `CLERK_JWT_KEY` is set, or the instance JWKS
    /// was fetched at least once.
    pub fn keys_available(&self) -> bool {
        self.inner.verifier.keys().available()
    }

    /// [`Clerk::keys_available`], first fetching the JWKS when none was fetched yet (rate
    /// limited like every JWKS fetch); what a readiness probe (`/readyz`) asks.
    pub async fn load_keys(&self) -> bool {
        self.inner.verifier.keys().load().await
    }

    /// Verifies a session token (e.g. from a WebSocket handshake). Another JWT of the instance
    /// (machine, OAuth access, JWT-template or ID token) fails with
    /// [`TokenVerificationErrorReason::TokenTypeMismatch`](super::TokenVerificationErrorReason).
    pub async fn verify_token(
        &self,
        token: &str,
    ) -> Result<Arc<SessionClaims>, TokenVerificationError> {
        self.inner.verifier.verify(token).await
    }

    /// [`Clerk::clerk_state`], shared: every signed-out request gets the same one, and every
    /// request with the same verified session token (the verified-token cache hands out the
    /// same claims) gets the one built for its first request.
    pub fn shared_clerk_state(&self, auth: &Auth) -> Arc<ClerkState> {
        if let Some(claims) = auth.claims() {
            return claims.browser_state(self.inner.id, || self.clerk_state(auth));
        }
        let snapshot = auth.snapshot();
        if snapshot == self.inner.signed_out_state.auth {
            return self.inner.signed_out_state.clone();
        }
        Arc::new(self.state_with(snapshot))
    }

    /// The state handed to the browser for a request with `auth`.
    pub fn clerk_state(&self, auth: &Auth) -> ClerkState {
        self.state_with(auth.snapshot())
    }

    fn state_with(&self, auth: AuthSnapshot) -> ClerkState {
        ClerkState {
            auth,
            ..ClerkState::clone(&self.inner.signed_out_state)
        }
    }
}

/// The Backend API client of `config`; its settings were validated already, so an error
/// here is an unusual URL, API version or secret key, named in the message.
fn backend_api(config: &ClerkConfig) -> Result<BackendApi, ConfigError> {
    BackendApi::new(BackendApiConfig {
        api_url: config.api_url.clone(),
        api_version: config.api_version.clone(),
        timeout: config.http_timeout,
        connect_timeout: config.http_connect_timeout,
        deadline: config.http_deadline,
        max_retries: config.http_max_retries,
        breaker: config.breaker,
        ..BackendApiConfig::new(config.secret_key.clone())
    })
    .map_err(|error| ConfigError::Invalid {
        name: "CLERK_API_URL, CLERK_API_VERSION or CLERK_SECRET_KEY",
        problem: error.to_string(),
        fix: "correct the variable named in the message",
    })
}
