//! `/v1/client` (get, destroy) and `POST /v1/dev_browser`.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::ctx::{render_client, Ctx};
use crate::error::ApiError;
use crate::instance::Shared;

/// `GET /v1/client`: the browser's client (created and cookied on first contact).
pub(crate) async fn get(State(state): State<Shared>, ctx: Ctx) -> Result<Response, ApiError> {
    let client = render_client(&state, &ctx.client, ctx.origin.as_deref())?;
    Ok(ctx.with_cookie(Json(json!({ "response": client, "client": null }))))
}

/// `DELETE /v1/client`: forgets the client and ends its sessions.
pub(crate) async fn destroy(State(state): State<Shared>, ctx: Ctx) -> Result<Response, ApiError> {
    state.store.delete_client(&ctx.client.id)?;
    let body = json!({
        "response": {
            "object": "client", "id": ctx.client.id, "deleted": true, "sessions": [],
            "sign_in": null, "sign_up": null, "last_active_session_id": null,
            "created_at": ctx.client.created_at, "updated_at": ctx.client.updated_at,
        },
        "client": null,
    });
    let expired = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
        crate::CLIENT_COOKIE
    );
    Ok(([(SET_COOKIE, expired)], Json(body)).into_response())
}

/// `POST /v1/dev_browser`: the client's dev-browser token as `{"id": token}`.
pub(crate) async fn dev_browser(State(_state): State<Shared>, ctx: Ctx) -> Response {
    let body = json!({ "object": "dev_browser", "id": ctx.client.dev_browser });
    ctx.with_cookie(Json(body))
}
