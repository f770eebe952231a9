//! The axum router: Leptos pages and server functions behind the Clerk layer, the JSON API,
//! the Clerk webhook endpoint, "Sign in with Clerk" over OAuth, the local Clerk dev instance,
//! static files and the 404 fallback.

use super::api;
use super::clerk::{ClerkSetup, DEV_INSTANCE_PATH};
use super::static_files;
use crate::app::{shell, App};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};

/// Builds the application router.
pub fn build_router(leptos_options: LeptosOptions, clerk: ClerkSetup) -> Router {
    let routes = generate_route_list(App);
    let backend_api = clerk.clerk.backend_api().clone();
    let app = Router::new()
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            // Server functions reach the Backend API client through Leptos context.
            move || provide_context(backend_api.clone()),
            {
                let leptos_options = leptos_options.clone();
                move || shell(leptos_options.clone())
            },
        )
        .route("/api/me", get(api::me))
        .route(
            "/api/webhooks/clerk",
            post(api::clerk_webhook).with_state(api::WebhookState::from_env()),
        )
        // Static files from the site root; anything else renders the app's 404 page.
        .fallback_service(static_files::site_files(&leptos_options, shell))
        .with_state(leptos_options)
        // rootAuthLoader: every request above is authenticated once, before any handler runs.
        .layer(clerk.clerk.layer());
    // Sign in with Clerk over OAuth: its routes sit outside the Clerk layer (they never need
    // a Clerk session); its session layer makes the app user readable on every page.
    let app = match &clerk.oauth {
        Some(oauth) => app.merge(oauth.routes()).layer(oauth.session_layer()),
        None => app,
    };
    // The dev instance sits outside the Clerk layer: its handshake endpoint must never be
    // redirected to itself.
    let app = match clerk.dev_instance {
        Some(dev) => app.nest(DEV_INSTANCE_PATH, dev.router()),
        None => app,
    };
    // Compression and the HTML Cache-Control apply to every response above.
    static_files::compress_and_cache(app)
}
