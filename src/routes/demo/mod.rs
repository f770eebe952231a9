//! Demo pages: they show what the integration can do, and nothing else in the app depends on
//! them. To remove them, delete this directory, the `pub mod demo;` line in `routes/mod.rs` and
//! the two `demo::` lines in `app.rs` (a project generated with `-d demo=false` has none of it).
//!
//! - `/client`: the browser-side hooks (`use_auth()`, `use_user()`), live.
//! - `/protected`: the smallest protected page (a loader that redirects to sign-in).
//! - `/orgs`, `/orgs/:slug/settings`: organizations (create, switch, list; settings for
//!   `org:admin` only, a 403 page for members).
//!
//! A new demo page: a file here, declared below and mounted in [`DemoRoutes`].

mod client;
mod org_settings;
mod orgs;
mod protected; // the pages above use Clerk's session{%- if with_oauth %}

// `/oauth-demo`: a page protected by "Sign in with Clerk" over OAuth instead (`server/oauth.rs`).
mod oauth_demo; // {%- endif %}

pub use client::ClientPage;
pub use org_settings::{LoadOrgSettings, OrgSettings, OrgSettingsPage};
pub use orgs::{ActiveOrg, LoadActiveOrg, OrgsPage};
pub use protected::{ProtectedPage, ProtectedUserId};

use leptos::prelude::*;
use leptos_router::any_nested_route::IntoAnyNestedRoute;
use leptos_router::{components::Route, path, SsrMode};

/// The demo routes, mounted inside the app's `<Routes>`. Type-erased (`AnyNestedRoute`): that is
/// what a transparent component returns in `cargo leptos watch`'s debug builds, which compile
/// with `--cfg erase_components`.
#[component(transparent)]
pub fn DemoRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/client") view=ClientPage/>
        // Async SSR: the loader runs before the response is sent, so the server can still
        // redirect a signed-out visitor to the sign-in page.
        <Route path=path!("/protected") view=ProtectedPage ssr=SsrMode::Async/>
        <Route path=path!("/orgs") view=OrgsPage ssr=SsrMode::Async/>
        <Route path=path!("/orgs/:slug/settings") view=OrgSettingsPage ssr=SsrMode::Async/> // {%- if with_oauth %}
        <Route path=path!("/oauth-demo") view=oauth_demo::OAuthDemoPage ssr=SsrMode::Async/> // {%- endif %}
    }
    .into_inner()
    .into_any_nested_route()
}

/// The demo links of the site header.
#[component]
pub fn DemoNav() -> impl IntoView {
    view! {
        <a href="/client">"Client state"</a>
        <a href="/orgs">"Organizations"</a>
    }
}
