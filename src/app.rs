//! The HTML shell and the router. To add a page: create `routes/<page>.rs`, declare it in
//! `routes/mod.rs` and add a `<Route>` below.

use crate::routes::{HomePage, NotFound, ProfilePage, SignInPage, SignUpPage};
use leptos::prelude::*;
// `Show` named: it wins over `leptos::prelude::Show`.
use crate::assets::{HydrationScripts, Stylesheet};
use leptos_clerk::{
    ClerkProvider, ClerkScripts, Show, SignInButton, SignUpButton, UserButton, When,
};
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The whole HTML document, rendered on the server only. The `<head>` is never hydrated, so
/// load-once scripts (ClerkJS) belong here.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                // The request's auth state as JSON, then @clerk/ui and ClerkJS (deferred).
                <ClerkScripts/>
                <AutoReload options=options.clone()/>
                // The stylesheet and the WASM under their content-hashed names (hash-files),
                // read once (see assets.rs); id="leptos" lets cargo-leptos hot-reload the CSS.
                <Stylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: header, routes and the 404 fallback.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Title text="Leptos + Clerk starter"/>
        <Router>
            // Inside <Router>, so that ClerkJS navigates client-side.
            <ClerkProvider>
            <Header/>
            <main>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage/>
                    // The axum route table does not match `/sign-in` with `/sign-in/*any`,
                    // so both are declared (Clerk's SignIn uses sub-paths like /sign-in/factor-one).
                    <Route path=path!("/sign-in") view=SignInPage/>
                    <Route path=path!("/sign-in/*any") view=SignInPage/>
                    <Route path=path!("/sign-up") view=SignUpPage/>
                    <Route path=path!("/sign-up/*any") view=SignUpPage/>
                    // Async SSR: the loader runs before the response is sent, so the server
                    // can still redirect a signed-out visitor to the sign-in page.
                    <Route path=path!("/profile") view=ProfilePage ssr=SsrMode::Async/>
                    // Your pages: a file in routes/ each, and a <Route> here.{%- if with_demo %}
                    <crate::routes::demo::DemoRoutes/> // the demo pages (routes/demo/){%- endif %}
                </Routes>
            </main>
            </ClerkProvider>
        </Router>
    }
}

/// The site header: sign-in / sign-up buttons for visitors, the user menu for users.
#[component]
fn Header() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Leptos + Clerk"</a>
            <nav>
                <a href="/profile">"Profile"</a>
                // Your links.{%- if with_demo %}
                <crate::routes::demo::DemoNav/> // the demo pages' links{%- endif %}
                <Show
                    when=When::SignedIn
                    fallback=|| view! { <SignInButton class="secondary"/> <SignUpButton/> }
                >
                    <UserButton/>
                </Show>
            </nav>
        </header>
    }
}
