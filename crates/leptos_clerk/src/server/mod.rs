//! The server half (feature `ssr`): configuration, session-token verification,
//! `authenticate_request`, the axum layer and the Backend API client.
//!
//! ```ignore
//! let clerk = Clerk::new(ClerkConfig::from_env()?)?;
//! let app = Router::new()/* .leptos_routes(…) */.layer(clerk.layer());
//! // in a #[server] fn or an SSR component:
//! let auth = leptos_clerk::server::get_auth()?;
//! ```

pub mod auth;
pub mod authenticate;
pub mod claims;
pub mod clerk;
pub mod config;
pub mod context;
pub mod cookies;
pub mod handshake;
pub mod jwks;
pub mod keys;
pub mod layer;
pub mod reasons;
pub mod request_state;
pub mod token_cache;
pub mod verify;

pub use auth::{Auth, Check};
pub use claims::{OrgClaims, SessionClaims};
pub use clerk::Clerk;
pub use config::{ClerkConfig, ConfigError};
pub use context::{get_auth, get_clerk, get_clerk_state, require_auth, AuthError, RequireAuth};
pub use keys::{InstanceType, PublishableKey};
pub use layer::{ClerkLayer, ClerkService};
pub use reasons::{
    AuthErrorReason, AuthReason, TokenVerificationError, TokenVerificationErrorReason,
};
pub use request_state::{AuthStatus, RequestState};
