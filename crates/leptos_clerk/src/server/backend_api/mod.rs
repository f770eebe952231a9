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
//! `User-Agent: leptos-clerk/<version>`. Idempotent calls (GET, DELETE) are retried with
//! exponential backoff after 429 (honouring `Retry-After`), 500/502/503/504, timeouts and
//! connection failures, within [`BackendApiConfig::max_retries`] and
//! [`BackendApiConfig::max_retry_wait`]; POST and PATCH are never retried.
//!
//! [`Clerk`](crate::server::Clerk) builds one client from its `ClerkConfig`
//! ([`Clerk::backend_api`](crate::server::Clerk::backend_api)); request authentication uses the
//! same client for the JWKS and the handshake payload, but in a single attempt, so that a page
//! request never waits for backoff.

pub(crate) mod auth_endpoints;
mod client;
mod config;
mod error;
mod organization;
mod organizations;
mod sessions;
mod user;
mod users;

pub use client::BackendApi;
pub use config::{BackendApiConfig, DEFAULT_API_URL, DEFAULT_API_VERSION};
pub use error::{BackendApiError, ClerkErrorDetail, ClerkErrors};
pub use organization::{MembershipUserData, Organization, OrganizationMembership, Paginated};
pub use organizations::{
    CreateOrganization, ListOrganizationsParams, OrganizationsApi, Page, UpdateOrganization,
};
pub use sessions::SessionsApi;
pub use user::{EmailAddress, User, Verification};
pub use users::{CreateUser, DeletedObject, ListUsersParams, MetadataPatch, UpdateUser, UsersApi};
