//! The axum router: Leptos pages and server functions, static files, the 404 fallback.

use crate::app::{shell, App};
use axum::Router;
use leptos::prelude::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};

/// Builds the application router for the given site options.
pub fn build_router(leptos_options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    Router::new()
        .leptos_routes(&leptos_options, routes, {
            let leptos_options = leptos_options.clone();
            move || shell(leptos_options.clone())
        })
        // Static files from the site root; anything else renders the app's 404 page.
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(leptos_options)
}
