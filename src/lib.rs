//! The app's library: a Leptos 0.8 SSR app with Clerk authentication.
//!
//! `app.rs` holds the HTML shell and the router; each page is one file under `routes/`.
//! The Clerk integration lives in the `leptos_clerk` crate (`crates/leptos_clerk`).

pub mod app;
pub mod assets;
pub mod error;
pub mod routes;

#[cfg(feature = "ssr")]
pub mod server;

pub use error::AppError; // the app's error type{%- if with_oauth %}
pub mod user;
pub use user::AppUser; // {%- endif %}

/// Entry point of the WASM bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // `<html data-hydrated>`: the page is interactive (scripts/size-report.sh times it).
    if let Some(html) = leptos::prelude::document().document_element() {
        let _ = html.set_attribute("data-hydrated", "");
    }
}
