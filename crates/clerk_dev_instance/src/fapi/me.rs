//! `/v1/me`: the signed-in user (`user.reload()`, `user.update()`, password change, account
//! deletion) and its active sessions as listed by `<UserProfile/>`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::ctx::{user_json, Ctx};
use super::sign_up::{parse_metadata, password_hash};
use crate::error::ApiError;
use crate::form::FormBody;
use crate::instance::Shared;
use crate::store::SessionRecord;
use crate::throttle::Locked;

type SessionQuery = Query<HashMap<String, String>>;

/// `/v1/me` routes.
pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/me", get(show).patch(update).delete(delete_account))
        .route("/v1/me/change_password", post(change_password))
        .route("/v1/me/sessions/active", get(active_sessions))
        .route("/v1/me/sessions/{id}/revoke", post(revoke_session))
}

fn session_param(query: &HashMap<String, String>) -> Option<&str> {
    query.get("_clerk_session_id").map(String::as_str)
}

async fn show(
    State(state): State<Shared>,
    Query(q): SessionQuery,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let (_, user) = ctx.session(&state, session_param(&q))?;
    ctx.respond(&state, user_json(&state, &user)?)
}

/// `PATCH /v1/me`: first/last name and unsafe metadata (JSON object, replaced).
async fn update(
    State(state): State<Shared>,
    Query(q): SessionQuery,
    ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let (_, mut user) = ctx.session(&state, session_param(&q))?;
    let name = |field: &str| {
        form.0
            .get(field)
            .map(|v| Some(v.trim().to_string()).filter(|v| !v.is_empty()))
    };
    if let Some(first_name) = name("first_name") {
        user.first_name = first_name;
    }
    if let Some(last_name) = name("last_name") {
        user.last_name = last_name;
    }
    if let Some(metadata) = form.get("unsafe_metadata") {
        user.unsafe_metadata = parse_metadata(metadata)?;
    }
    state.store.save_user(&mut user)?;
    ctx.respond(&state, user_json(&state, &user)?)
}

/// `POST /v1/me/change_password` with `current_password`, `new_password` and optionally
/// `sign_out_of_other_sessions=true`.
async fn change_password(
    State(state): State<Shared>,
    Query(q): SessionQuery,
    ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let (session, mut user) = ctx.session(&state, session_param(&q))?;
    if let Some(hash) = user.password_hash.as_deref() {
        let current = form.get("current_password").unwrap_or_default();
        let right = state.check_password(&user.email, current, Some(hash)).await;
        if !right.map_err(Locked::api_error)? {
            return Err(ApiError::form(
                "form_password_incorrect",
                "current_password",
                "Password is incorrect.",
            ));
        }
    }
    let new_password = form.get("new_password").ok_or_else(|| {
        ApiError::form(
            "form_param_missing",
            "new_password",
            "Enter a new password.",
        )
    })?;
    user.password_hash = Some(password_hash(&state, new_password).await?);
    state.store.save_user(&mut user)?;
    if form.get("sign_out_of_other_sessions") == Some("true") {
        for other in state.store.user_sessions(&user.id)? {
            if other.id != session.id {
                state.store.set_session_status(&other.id, "revoked")?;
            }
        }
    }
    ctx.respond(&state, user_json(&state, &user)?)
}

/// `DELETE /v1/me`: deletes the account (allowed: `delete_self` is on) and its sessions.
async fn delete_account(
    State(state): State<Shared>,
    Query(q): SessionQuery,
    mut ctx: Ctx,
) -> Result<Response, ApiError> {
    let (_, user) = ctx.session(&state, session_param(&q))?;
    state.store.delete_user(&user.id)?;
    ctx.client.last_active_session_id = None;
    ctx.client.updated_at_secs = crate::util::now_secs();
    tracing::info!("clerk dev instance: {} deleted their account", user.email);
    ctx.respond(
        &state,
        json!({ "object": "user", "id": user.id, "deleted": true }),
    )
}

fn active_session_json(session: &SessionRecord) -> Value {
    json!({
        "object": "session",
        "id": session.id,
        "status": session.status,
        "expire_at": session.expire_at,
        "abandon_at": session.abandon_at,
        "last_active_at": session.last_active_at,
        "last_active_organization_id": null,
        "actor": null,
        "latest_activity": {
            "object": "session_activity",
            "id": format!("sess_activity_{}", session.id.trim_start_matches("sess_")),
            "device_type": null,
            "is_mobile": false,
            "browser_name": null,
            "browser_version": null,
            "ip_address": "127.0.0.1",
            "city": null,
            "country": null,
        },
        "created_at": session.created_at,
        "updated_at": session.updated_at,
    })
}

/// `GET /v1/me/sessions/active`: a bare array of the user's active sessions.
async fn active_sessions(
    State(state): State<Shared>,
    Query(q): SessionQuery,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let (_, user) = ctx.session(&state, session_param(&q))?;
    let sessions = state.store.user_sessions(&user.id)?;
    let body = Value::Array(sessions.iter().map(active_session_json).collect());
    Ok(ctx.with_cookie(Json(body)))
}

/// `POST /v1/me/sessions/{id}/revoke`: signs one of the user's sessions out.
async fn revoke_session(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(q): SessionQuery,
    mut ctx: Ctx,
) -> Result<Response, ApiError> {
    let (_, user) = ctx.session(&state, session_param(&q))?;
    let mut target = state
        .store
        .session(&id)?
        .filter(|s| s.user_id == user.id)
        .ok_or_else(|| ApiError::not_found("Session"))?;
    state.store.set_session_status(&target.id, "revoked")?;
    target.status = "revoked".to_string();
    if ctx.client.last_active_session_id.as_deref() == Some(id.as_str()) {
        ctx.client.last_active_session_id = None;
    }
    ctx.respond(&state, active_session_json(&target))
}
