//! Backend API subset (`/api/v1/...`), authenticated with `Authorization: Bearer <secret key>`.

mod orgs;
mod users;

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::instance::Instance;
use crate::instance::Shared;
use crate::util::constant_time_eq;

/// The BAPI routes, all behind the secret-key check.
pub(crate) fn router(state: Arc<Instance>) -> Router<Shared> {
    Router::new()
        .merge(users::router())
        .merge(orgs::router())
        .route("/v1/jwks", get(jwks))
        .route("/v1/clients/handshake_payload", get(handshake_payload))
        .fallback(|| async { ApiError::not_found("Endpoint") })
        .layer(middleware::from_fn_with_state(state, require_secret_key))
}

/// Rejects requests without the instance's secret key with 401 `clerk_key_invalid`.
async fn require_secret_key(
    State(state): State<Shared>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let presented = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match presented {
        Some(key) if constant_time_eq(key, &state.secret_key) => Ok(next.run(request).await),
        _ => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "clerk_key_invalid",
            "The provided Clerk Secret Key is invalid.",
        )
        .long(
            "The provided Clerk Secret Key is invalid. Use the secret key the local Clerk dev \
             instance printed (DevInstance::secret_key) as `Authorization: Bearer <key>`.",
        )),
    }
}

async fn jwks(State(state): State<Shared>) -> Json<Value> {
    Json(state.key.jwks())
}

/// `GET /v1/clients/handshake_payload?nonce=…`: the directives stored by a handshake, once.
async fn handshake_payload(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let nonce = query.get("nonce").map(String::as_str).unwrap_or_default();
    let directives = crate::fapi::take_nonce(&state, nonce)
        .ok_or_else(|| ApiError::not_found("Handshake payload"))?;
    Ok(Json(json!({ "directives": directives })))
}
