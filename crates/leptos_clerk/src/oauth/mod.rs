//! "Sign in with Clerk" over OAuth 2.0 (feature `oauth`): the Rust counterpart of
//! `remix-auth-clerk`. Clerk is the identity provider (a Clerk "OAuth application"); the app
//! keeps its own session in a sealed (AES-256-GCM, name-bound) HttpOnly cookie and never loads
//! ClerkJS, so there is no `__session`, no handshake and no Clerk components on these pages.
//!
//! Flow: `GET /auth/clerk/login` → `{base}/oauth/authorize` (authorization code, `state`,
//! PKCE S256, `nonce`) → `GET /auth/clerk/callback` → `{base}/oauth/token` → ID-token check
//! (RS256/384/512 via `{base}/.well-known/jwks.json`, then `{base}/v1/jwks`; `iss`, `aud`,
//! `exp`, `nonce`) when one is returned → `{base}/oauth/userinfo` → the app's verify hook →
//! session cookie → `successRedirect`. Every failure is logged (`tracing`) and ends in an
//! error page (4xx; 503 with `Retry-After` when the provider is slow or unreachable, its calls
//! bounded together by `request_timeout`, 2 s; 502 when it answers nonsense) or
//! `failureRedirect?error=<code>`.
//!
//! | Variable | Meaning |
//! |---|---|
//! | `CLERK_OAUTH_DOMAIN` | `clerk.your-domain.com`, or a full base URL (`http://127.0.0.1:4000/__clerk`) |
//! | `CLERK_OAUTH_CLIENT_ID` / `CLERK_OAUTH_CLIENT_SECRET` | the OAuth application's credentials |
//! | `CLERK_OAUTH_CALLBACK_URL` | absolute URL of `/auth/clerk/callback` (https, or http on localhost) |
//! | `CLERK_OAUTH_SCOPES` | default `profile email public_metadata`; add `openid` for an ID token |
//! | `SESSION_SECRET` | comma list, newest first; ≥ 32 bytes each in release builds |
//! | `CLERK_OAUTH_SESSION_COOKIE` | default `__app_session`; Clerk's own names are refused |
//!
//! ```ignore
//! let oauth = ClerkOAuth::new(ClerkOAuthConfig::from_env()?, |input: VerifyParams| async move {
//!     // Upsert into the app's own database here; an Err refuses the login.
//!     Ok::<_, BoxError>(AppUser { id: input.profile.user_id, email: input.profile.email })
//! })?;
//! let app = Router::new()
//!     .merge(oauth.routes())            // /auth/clerk/{login,callback,logout}
//!     /* …leptos_routes… */
//!     .layer(oauth.session_layer());    // OAuthUser / oauth_user() work everywhere below
//!
//! // In a server function or during SSR:
//! match require_oauth_user::<AppUser>() {
//!     Ok(user) => { /* … */ }
//!     Err(rejection) => {
//!         if let Some(url) = rejection.login_url() { leptos_axum::redirect(url) }
//!     }
//! }
//! ```

pub mod config;
mod cookies;
mod error;
mod extract;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod id_token;
mod pending;
mod provider;
mod routes;
mod secrets;
mod session;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

pub use config::{ClerkOAuthConfig, OAuthConfigError};
pub use error::LoginError;
pub use extract::{
    login_url, oauth_user, oauth_user_from_parts, require_oauth_user,
    require_oauth_user_from_parts, OAuthRejection, OAuthUser, RequireOAuthUser,
};
pub use pending::{safe_redirect_path, LOGIN_TTL_SECS};
pub use provider::{ClerkProfile, ClerkTokenFields};
pub use routes::{CALLBACK_PATH, LOGIN_PATH, LOGOUT_PATH};
pub use session::{OAuthSessionLayer, OAuthSessionService};

/// The error type a verify hook may return (anything that converts into it, e.g. a `String`).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What `Debug` shows instead of a token, verifier, nonce or secret.
pub(crate) const REDACTED: &str = "[redacted]";

/// What the verify hook receives after the provider vouched for the user. `Debug` redacts the
/// tokens and the ID token's nonce, names the extra fields only and shows the request as
/// method and path (its query holds the code, its headers the cookies).
pub struct VerifyParams {
    /// The userinfo profile.
    pub profile: ClerkProfile,
    /// The OAuth access token (call `{base}/oauth/userinfo` or Clerk APIs with it).
    pub access_token: String,
    /// The refresh token, if the provider issued one.
    pub refresh_token: Option<String>,
    /// Non-standard fields of the token response (`id_token` excluded).
    pub extra_params: Map<String, Value>,
    /// Verified ID-token claims, when an ID token was returned (`openid` scope).
    pub id_token_claims: Option<Map<String, Value>>,
    /// The callback request (headers, URI, extensions such as a DB pool).
    pub request: http::request::Parts,
}

impl std::fmt::Debug for VerifyParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let claims = self.id_token_claims.as_ref().map(|claims| {
            let mut shown = claims.clone();
            if shown.contains_key("nonce") {
                shown.insert("nonce".into(), REDACTED.into());
            }
            shown
        });
        f.debug_struct("VerifyParams")
            .field("profile", &self.profile)
            .field("access_token", &REDACTED)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| REDACTED),
            )
            .field(
                "extra_params",
                &self.extra_params.keys().collect::<Vec<_>>(),
            )
            .field("id_token_claims", &claims)
            .field(
                "request",
                &format_args!("{} {}", self.request.method, self.request.uri.path()),
            )
            .finish()
    }
}

type VerifyFuture<U> = Pin<Box<dyn Future<Output = Result<U, BoxError>> + Send>>;
type VerifyFn<U> = Box<dyn Fn(VerifyParams) -> VerifyFuture<U> + Send + Sync>;

/// The strategy: configuration, provider client, cookie keys and the app's verify hook.
/// Cheap to clone.
pub struct ClerkOAuth<U> {
    inner: Arc<Inner<U>>,
}

struct Inner<U> {
    config: ClerkOAuthConfig,
    client: provider::ClerkOAuthClient,
    http: reqwest::Client,
    store: Arc<session::SessionStore>,
    id_tokens: id_token::IdTokenVerifier,
    verify: VerifyFn<U>,
}

impl<U> Clone for ClerkOAuth<U> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<U: Serialize + DeserializeOwned + Send + Sync + 'static> ClerkOAuth<U> {
    /// Builds the strategy. `verify` turns the provider's answer into the app's user
    /// (the place to upsert into the app's database); an `Err` refuses the login.
    pub fn new<F, Fut>(config: ClerkOAuthConfig, verify: F) -> Result<Self, OAuthConfigError>
    where
        F: Fn(VerifyParams) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<U, BoxError>> + Send + 'static,
    {
        let client = provider::oauth_client(&config)?;
        let inner = Inner {
            http: provider::http_client(config.request_timeout),
            store: Arc::new(session::SessionStore::new(&config)),
            id_tokens: id_token::IdTokenVerifier::new(
                &config.base_url,
                &config.issuer,
                &config.client_id,
            ),
            verify: Box::new(move |params| Box::pin(verify(params))),
            client,
            config,
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &ClerkOAuthConfig {
        &self.inner.config
    }

    /// `GET /auth/clerk/login`, `GET /auth/clerk/callback`, `POST /auth/clerk/logout`
    /// (`GET` logout only redirects home), ready to `merge` into the app router.
    pub fn routes<S: Clone + Send + Sync + 'static>(&self) -> axum::Router<S> {
        routes::router(self.clone())
    }

    /// The layer that makes the session readable by [`OAuthUser`] and [`oauth_user`];
    /// add it to the whole app router.
    pub fn session_layer(&self) -> OAuthSessionLayer {
        OAuthSessionLayer {
            store: self.inner.store.clone(),
        }
    }

    /// The signed-in user straight from request headers (no layer needed).
    pub fn user_from_headers(&self, headers: &HeaderMap) -> Option<U> {
        session::decode_user(&self.inner.store.read(headers))
    }
}
