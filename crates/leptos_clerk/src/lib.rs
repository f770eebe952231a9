//! Clerk authentication for Leptos 0.8, in the spirit of `@clerk/remix` /
//! `@clerk/react-router` (server) and `@clerk/clerk-react` (browser).
//!
//! **Server** ([`server`], feature `ssr`): [`server::Clerk`] is configured once
//! ([`server::ClerkConfig::from_env`]) and its [`layer`](server::Clerk::layer) authenticates
//! every request (like `rootAuthLoader`); server functions read the result with
//! [`server::get_auth`] / [`server::require_auth`]; [`server::backend_api`] is the typed
//! Backend API client, [`server::webhooks`] verifies Svix-signed webhooks and
//! [`server::FrontendApiProxy`] proxies the Frontend API.
//!
//! **Browser**: [`ClerkScripts`] (in the shell's `<head>`) and [`ClerkProvider`] (around the
//! routes) carry the server's auth state ([`ClerkState`]) into the page and load ClerkJS after
//! hydration; hooks ([`use_auth`], [`use_user`], [`use_session`], [`use_organization`], …) and
//! components ([`Show`], [`UserButton`], [`SignIn`], [`OrganizationSwitcher`], …) follow
//! `@clerk/clerk-react`; [`ClerkJs`] is the typed handle on the loaded `window.Clerk`, and
//! [`ClerkFetchClient`] a server-function client that sends a fresh session token with every call.
//!
//! **OAuth** ([`oauth`], feature `oauth`): "Sign in with Clerk" as an OAuth 2.0 / OIDC client,
//! for apps that keep their own session.
//!
//! Every other module is private; what an app needs is re-exported here or in [`server`].

#![deny(missing_docs)]
#![deny(unreachable_pub)]

mod browser;
mod components;
mod head;
mod hooks;
mod org_hooks;
mod provider;
mod state;

pub use browser::{ClerkFetchClient, ClerkJs, ClerkJsError, OrganizationProps, RedirectOptions};
pub use components::*;
pub use head::ClerkScripts;
pub use hooks::{use_auth, use_clerk, use_session, use_user, UseAuth, UseSession, UseUser};
pub use org_hooks::{
    use_organization, use_organization_list, UseOrganization, UseOrganizationList,
};
pub use provider::{ClerkContext, ClerkProvider};
pub use state::{
    AuthSnapshot, Check, ClerkState, ClerkUrls, MembershipSnapshot, OrganizationSnapshot,
    OrganizationsSnapshot, UserSnapshot,
};

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "oauth")]
pub mod oauth;
