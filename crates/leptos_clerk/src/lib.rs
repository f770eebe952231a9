//! Clerk authentication for Leptos 0.8, in the spirit of `@clerk/remix`.
//!
//! * [`server`] (feature `ssr`): authenticate every request once in an axum
//!   layer, read it anywhere with [`server::get_auth`], talk to the Backend API.
//! * [`state`]: the auth state handed from the server to the browser.
//! * [`ClerkScripts`] (in the shell's `<head>`) and [`ClerkProvider`] (around
//!   the routes): the browser half, loading ClerkJS after hydration.
//! * [`hooks`] (`use_auth`, `use_user`, …) and [`components`] (`SignedIn`,
//!   `UserButton`, `SignIn`, …) in the shape of `@clerk/clerk-react`.
//! * [`ClerkFetchClient`]: a server-function client that sends a fresh session
//!   token with every call.
//!
//! The crate is self-contained: the app only wires the layer into its router and
//! uses the components and hooks.

pub mod browser;
pub mod components;
pub mod head;
pub mod hooks;
pub mod org_hooks;
pub mod provider;
pub mod state;

pub use browser::{Clerk, ClerkFetchClient, ClerkJsError, OrganizationProps, RedirectOptions};
pub use components::*;
pub use head::ClerkScripts;
pub use hooks::{use_auth, use_clerk, use_session, use_user, UseAuth, UseSession, UseUser};
pub use org_hooks::{
    use_organization, use_organization_list, UseOrganization, UseOrganizationList,
};
pub use provider::{ClerkContext, ClerkProvider};

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "oauth")]
pub mod oauth;
