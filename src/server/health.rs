//! Health checks for load balancers and orchestrators, outside the Clerk layer (never
//! redirected through the handshake):
//! - `GET /healthz` (liveness): 200 `{"status":"ok"}` whenever the process serves requests.
//! - `GET /readyz` (readiness): 200 `{"status":"ok"}` when session tokens can be verified
//!   (`CLERK_JWT_KEY` set, or the instance JWKS fetched at least once; the probe fetches it when
//!   it was not yet) and the server is not shutting down; otherwise 503
//!   `{"status":"unavailable","reason":"…"}`.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos_clerk::server::Clerk;
use serde_json::json;

use super::shutdown::Draining;

/// Path of the liveness probe.
pub const HEALTHZ_PATH: &str = "/healthz";
/// Path of the readiness probe.
pub const READYZ_PATH: &str = "/readyz";

/// What the readiness probe looks at.
#[derive(Clone, Debug)]
struct Health {
    clerk: Clerk,
    draining: Draining,
}

/// The `/healthz` and `/readyz` routes; `draining` turns `/readyz` to 503 on shutdown.
pub fn health_routes(clerk: Clerk, draining: Draining) -> Router {
    Router::new()
        .route(HEALTHZ_PATH, get(healthz))
        .route(READYZ_PATH, get(readyz))
        .with_state(Health { clerk, draining })
}

async fn healthz() -> Response {
    answer(StatusCode::OK, None)
}

async fn readyz(State(health): State<Health>) -> Response {
    if health.draining.is_draining() {
        return answer(StatusCode::SERVICE_UNAVAILABLE, Some("shutting down"));
    }
    if !health.clerk.load_keys().await {
        return answer(
            StatusCode::SERVICE_UNAVAILABLE,
            Some(
                "no session-token verification keys yet: the Clerk JWKS could not be fetched \
                 (check CLERK_SECRET_KEY and CLERK_API_URL, or set CLERK_JWT_KEY)",
            ),
        );
    }
    answer(StatusCode::OK, None)
}

/// `{"status":"ok"}`, or `{"status":"unavailable","reason":…}`; never cached.
fn answer(status: StatusCode, reason: Option<&str>) -> Response {
    let body = match reason {
        None => json!({ "status": "ok" }),
        Some(reason) => json!({ "status": "unavailable", "reason": reason }),
    };
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}
