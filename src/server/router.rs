//! The axum router: Leptos pages and server functions behind the Clerk layer, the JSON API,
//! the Clerk webhook endpoint, other ways to sign in, the local Clerk dev instance or
//! Clerk's Frontend API proxy, static files, the 404 fallback and the health checks.

use super::api;
use super::clerk::{ClerkSetup, DEV_INSTANCE_PATH};
use super::health::health_routes;
use super::shutdown::Draining;
use super::static_files;
use crate::app::{shell, App};
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;

/// The app's routes, listed once per process, before its first router exists.
///
/// Leptos lists routes by rendering the app while a process-wide switch keeps every `Resource`
/// from loading (leptos_server's `SuppressResourceLoad`). Listed again for a second router, a
/// page rendering on another thread at that moment would have its resource wait forever; listed
/// once, no page can render during it (every router, and so every page, waits for this list).
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Builds the application router (its `/readyz` never reports a shutdown: the binary uses
/// [`build_router_with`]).
pub fn build_router(leptos_options: LeptosOptions, clerk: ClerkSetup) -> Router {
    build_router_with(leptos_options, clerk, Draining::default())
}

/// [`build_router`] whose `/readyz` answers 503 once `draining` is set.
pub fn build_router_with(
    leptos_options: LeptosOptions,
    clerk: ClerkSetup,
    draining: Draining,
) -> Router {
    let health = health_routes(clerk.clerk.clone(), draining);
    let routes = route_list();
    let backend_api = clerk.clerk.backend_api().clone();
    let app = Router::new()
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            // Server functions reach the Backend API client through Leptos context, as a handle
            // whose calls end within one deadline per request (CLERK_API_DEADLINE_MS).
            move || provide_context(backend_api.for_request()),
            {
                let leptos_options = leptos_options.clone();
                move || shell(leptos_options.clone())
            },
        )
        .route("/api/me", get(api::me))
        .route(
            "/api/webhooks/clerk",
            post(api::clerk_webhook)
                .with_state(api::WebhookState::from_env())
                // 1 MiB (Clerk's events are a few KiB): a larger body is a 413, never buffered.
                .layer(DefaultBodyLimit::max(
                    leptos_clerk::server::webhooks::MAX_BODY_BYTES,
                )),
        )
        // Static files from the site root; anything else renders the app's 404 page.
        .fallback_service(static_files::site_files(&leptos_options, shell))
        .with_state(leptos_options)
        // rootAuthLoader: every request above is authenticated once, before any handler runs.
        .layer(clerk.clerk.layer());
    // Other ways to sign in sit outside the Clerk layer (no Clerk session needed).{%- if with_oauth %}
    // Sign in with Clerk over OAuth: its session layer makes the app user readable everywhere.
    let app = match &clerk.oauth {
        Some(oauth) => app.merge(oauth.routes()).layer(oauth.session_layer()),
        None => app,
    }; // {%- endif %}

    // The dev instance sits outside the Clerk layer: its handshake endpoint must never be
    // redirected to itself.
    let app = match clerk.dev_instance {
        Some(dev) => app.nest(DEV_INSTANCE_PATH, dev.router()),
        None => app,
    };
    // Compression and the HTML Cache-Control apply to every response above.
    let app = static_files::compress_and_cache(app);
    // Clerk's Frontend API proxy (real keys + CLERK_PROXY_URL), outside the Clerk layer too, and
    // outside compression: its bodies pass through as Clerk sent them.
    let app = match clerk.frontend_api_proxy {
        Some(proxy) => app.merge(proxy.router()),
        None => app,
    };
    // Health checks sit outside every layer: a probe is never redirected or authenticated.
    app.merge(health)
}
