//! A typed client for Clerk's Backend API (`{api_url}/v1/…`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), leptos_clerk::server::backend_api::BackendApiError> {
//! use leptos_clerk::server::backend_api::{BackendApi, MetadataPatch};
//!
//! let api = BackendApi::from_env()?; // CLERK_SECRET_KEY
//! let user = api.users().get("user_123").await?;
//! let patch = MetadataPatch {
//!     public_metadata: Some(serde_json::json!({ "plan": "pro" })),
//!     ..MetadataPatch::default()
//! };
//! api.users().update_metadata(&user.id, &patch).await?;
//! # Ok(())
//! # }
//! ```
//!
//! Every request carries `Authorization: Bearer <secret key>`, `Clerk-API-Version` and
//! `User-Agent: leptos-clerk/<version>`.
//!
//! **When Clerk is slow or down**, a call still ends within [`BackendApiConfig::deadline`]
//! (2 s): connecting is bounded by [`BackendApiConfig::connect_timeout`] (1 s), each attempt by
//! [`BackendApiConfig::timeout`] and by the time left. Idempotent calls (GET, DELETE) are
//! retried after 429, 500/502/503/504, timeouts and connection failures, at most
//! [`BackendApiConfig::max_retries`] times, with jittered exponential backoff, and only while
//! the wait fits in the deadline; a `Retry-After` beyond the deadline fails the call at once
//! with [`BackendApiError::RateLimited`]. POST and PATCH are never retried. After
//! [`BreakerConfig::failures`] outages in a row the client's circuit breaker opens: calls fail
//! at once with [`BackendApiError::CircuitOpen`] for [`BreakerConfig::cooldown`], then one
//! call probes whether Clerk is back. [`BackendApiError::is_unavailable`] tells these
//! failures apart from Clerk's answers, for a 503 page with `Retry-After`.
//!
//! For a page or server function, take [`BackendApi::for_request`]: all its calls share one
//! deadline, so a loader making three calls still answers within 2 s.
//!
//! [`Clerk`](crate::server::Clerk) builds one client from its `ClerkConfig`
//! ([`Clerk::backend_api`](crate::server::Clerk::backend_api)); request authentication uses the
//! same client (and breaker) for the JWKS and the handshake payload, but in a single attempt,
//! so that a page request never waits for backoff.

pub(crate) mod auth_endpoints;
mod client;
mod common;
mod config;
mod error;
mod organization;
mod organizations;
mod sessions;
mod user;
mod users;

pub use client::BackendApi;
pub use common::{DeletedObject, Page};
pub use config::{
    BackendApiConfig, BreakerConfig, DEFAULT_API_URL, DEFAULT_API_VERSION, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_DEADLINE, DEFAULT_MAX_RETRIES,
};
pub(crate) use error::is_outage_status;
pub use error::{BackendApiError, ClerkErrorDetail, ClerkErrors};
pub use organization::{MembershipUserData, Organization, OrganizationMembership, Paginated};
pub use organizations::{
    CreateOrganization, ListOrganizationsParams, OrganizationsApi, UpdateOrganization,
};
pub use sessions::SessionsApi;
pub use user::{EmailAddress, User, Verification};
pub use users::{CreateUser, ListUsersParams, MetadataPatch, UpdateUser, UsersApi};
