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
mod strategy;

pub use config::ClerkOAuthConfig;
pub use error::{LoginError, OAuthConfigError};
pub use extract::{
    login_url, oauth_user, oauth_user_from_parts, require_oauth_user,
    require_oauth_user_from_parts, OAuthRejection, OAuthUser, RequireOAuthUser,
};
pub use pending::{safe_redirect_path, LOGIN_TTL_SECS};
pub use provider::{ClerkProfile, ClerkTokenFields};
pub use routes::{CALLBACK_PATH, LOGIN_PATH, LOGOUT_PATH};
pub use session::{OAuthSessionLayer, OAuthSessionService};
pub use strategy::{BoxError, ClerkOAuth, VerifyParams};
