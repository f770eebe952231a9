//! Clerk authentication for Leptos 0.8, in the spirit of `@clerk/remix`.
//!
//! * [`server`] (feature `ssr`): authenticate every request once in an axum
//!   layer, read it anywhere with [`server::get_auth`], talk to the Backend API.
//! * [`state`]: the auth state handed from the server to the browser.
//!
//! The crate is self-contained: the app only wires the layer into its router and
//! uses the components and hooks.

pub mod state;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "oauth")]
pub mod oauth;
