//! Health checks for load balancers and orchestrators, outside the Clerk layer (never
//! redirected through the handshake):
//! - `GET /healthz` (liveness): 200 `{"status":"ok"}` whenever the process serves requests.
//! - `GET /readyz` (readiness): 200 `{"status":"ok"}` when session tokens can be verified
//!   (`CLERK_JWT_KEY` set, or the instance JWKS fetched at least once; the probe fetches it when
//!   it was not yet) and the server is not shutting down; otherwise 503
//!   `{"status":"unavailable","reason":"…"}`. It also reports the Backend API:
//!   `"clerk_backend_api":"ok"`, or `"failing"` while the client's circuit breaker is open. A
//!   failing Clerk does not make the instance unready: every instance shares the same Clerk, and
//!   what works without it (signed-out pages, networkless verification) keeps working.

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
    answer(StatusCode::OK, None, None)
}

async fn readyz(State(health): State<Health>) -> Response {
    let backend_api = if health.clerk.backend_api().is_circuit_open() {
        "failing"
    } else {
        "ok"
    };
    if health.draining.is_draining() {
        return answer(
            StatusCode::SERVICE_UNAVAILABLE,
            Some("shutting down"),
            Some(backend_api),
        );
    }
    if !health.clerk.load_keys().await {
        return answer(
            StatusCode::SERVICE_UNAVAILABLE,
            Some(
                "no session-token verification keys yet: the Clerk JWKS could not be fetched \
                 (check CLERK_SECRET_KEY and CLERK_API_URL, or set CLERK_JWT_KEY)",
            ),
            Some(backend_api),
        );
    }
    answer(StatusCode::OK, None, Some(backend_api))
}

/// `{"status":"ok"}`, or `{"status":"unavailable","reason":…}`, with the Backend API's state
/// when given; never cached.
fn answer(status: StatusCode, reason: Option<&str>, backend_api: Option<&str>) -> Response {
    let mut body = match reason {
        None => json!({ "status": "ok" }),
        Some(reason) => json!({ "status": "unavailable", "reason": reason }),
    };
    if let Some(state) = backend_api {
        body["clerk_backend_api"] = json!(state);
    }
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}
