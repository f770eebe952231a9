//! The server half (feature `ssr`): configuration, session-token verification,
//! `authenticate_request`, the axum layer, the auth helpers, the Backend API client,
//! webhook verification and the Frontend API proxy.
//!
//! Wiring (once, in `main`):
//!
//! ```ignore
//! let clerk = Clerk::new(ClerkConfig::from_env()?)?; // fails fast on bad keys
//! let app = Router::new()
//!     .leptos_routes(&leptos_options, routes, /* shell */)
//!     .layer(clerk.layer()); // authenticates every request once
//! ```
//!
//! Reading the auth state (in a `#[server]` function or an SSR component):
//!
//! ```ignore
//! #[server]
//! pub async fn my_orders() -> Result<Vec<Order>, ServerFnError> {
//!     let auth = leptos_clerk::server::require_auth()?; // 401-style error when signed out
//!     load_orders(auth.user_id().unwrap()).await
//! }
//! ```
//!
//! For a page, turn [`AuthError::SignedOut`] into `leptos_axum::redirect(&sign_in_url)`.
//! Plain axum handlers take [`Auth`] (any state) or [`RequireAuth`] (401 JSON when
//! signed out) as extractors. Browsers calling server functions should send the
//! session token as `Authorization: Bearer …`: cookie tokens live 60 s and a
//! server-function call can never be redirected through the handshake.

mod auth;
mod authenticate;
pub mod backend_api;
mod breaker;
mod claims;
mod clerk;
mod config;
pub(crate) mod context;
pub(crate) mod cookies;
pub(crate) mod env;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod handshake;
mod jwks;
mod keys;
mod layer;
mod lenient;
mod nonce_budget;
mod proxy;
mod reasons;
pub(crate) mod redirect;
mod request_state;
mod same_origin;
mod satellite;
mod token_cache;
mod token_kind;
mod verify;
pub mod webhooks;

pub use crate::state::Check;
pub use auth::Auth;
pub use claims::{OrgClaims, SessionClaims};
pub use clerk::Clerk;
pub use config::{ClerkConfig, ConfigError};
pub use context::{
    get_auth, get_clerk, get_clerk_state, require_auth, require_auth_from_parts, AuthError,
    RequireAuth,
};
pub use keys::{InstanceType, PublishableKey};
pub use layer::{ClerkLayer, ClerkService};
pub use nonce_budget::{
    NonceRate, MAX_CONCURRENT_NONCE_RESOLUTIONS, MAX_CONCURRENT_NONCE_RESOLUTIONS_PER_CLIENT,
    NONCE_RATE_GLOBAL, NONCE_RATE_PER_CLIENT,
};
pub use proxy::{FrontendApiProxy, ProxyOptions, FRONTEND_API_PREFIXES};
pub use reasons::{
    AuthErrorReason, AuthReason, TokenVerificationError, TokenVerificationErrorReason,
};
pub use request_state::{AuthStatus, RequestState};
pub use token_kind::{
    NotASessionToken, JWT_CATEGORY_IGNORE, JWT_CATEGORY_JWT_TEMPLATE, JWT_CATEGORY_M2M_TOKEN,
    JWT_CATEGORY_SESSION_TOKEN,
};
