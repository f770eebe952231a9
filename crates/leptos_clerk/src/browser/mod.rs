//! The browser half: typed bindings to ClerkJS (`window.Clerk`).
//!
//! With the `hydrate` feature this talks to the ClerkJS instance created by the
//! scripts [`crate::ClerkScripts`] puts into the page. Without it (server
//! builds) the same names exist as no-ops, so app code compiles unchanged on
//! both sides: there simply never is a loaded [`ClerkJs`] on the server.

mod error;
mod fetch_client;
mod options;

#[cfg(feature = "hydrate")]
mod bindings;
#[cfg(feature = "hydrate")]
mod clerk;
#[cfg(feature = "hydrate")]
mod loader;
#[cfg(not(feature = "hydrate"))]
mod noop;
#[cfg(feature = "hydrate")]
mod replayable;

pub use error::ClerkJsError;
pub use fetch_client::ClerkFetchClient;
pub(crate) use options::{
    organization_props, sign_in_props, sign_up_props, user_button_props, user_profile_props,
    Mountable,
};
pub use options::{OrganizationProps, RedirectOptions};

#[cfg(feature = "hydrate")]
pub use clerk::ClerkJs;
#[cfg(feature = "hydrate")]
pub(crate) use clerk::Listener;
#[cfg(feature = "hydrate")]
pub(crate) use loader::{load_clerk, loaded_clerk, session_token, Navigator};
#[cfg(not(feature = "hydrate"))]
pub use noop::ClerkJs;
#[cfg(not(feature = "hydrate"))]
pub(crate) use noop::{loaded_clerk, session_token};
