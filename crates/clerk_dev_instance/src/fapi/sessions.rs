//! Sessions: touch (set active), token minting, end, remove and sign-out of all sessions.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{delete, post};
use axum::{Json, Router};
use serde_json::json;

use super::ctx::{render_client, render_session, Ctx};
use crate::error::ApiError;
use crate::form::FormBody;
use crate::instance::Shared;
use crate::util::now_secs;

/// Session routes.
pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/client/sessions", delete(sign_out_all))
        .route("/v1/client/sessions/{id}/touch", post(touch))
        .route("/v1/client/sessions/{id}/tokens", post(token))
        .route(
            "/v1/client/sessions/{id}/tokens/{template}",
            post(template_token),
        )
        .route("/v1/client/sessions/{id}/end", post(end))
        .route("/v1/client/sessions/{id}/remove", post(remove))
}

/// `POST /v1/client/sessions/{id}/touch`: makes the session the client's active one and, with
/// `active_organization_id` (what `Clerk.setActive({ organization })` sends), sets its active
/// organization: an organization id or slug the user is a member of, or empty for the personal
/// account. Without the field the active organization stays as it is.
async fn touch(
    State(state): State<Shared>,
    Path(id): Path<String>,
    mut ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let (mut session, user) = ctx.session(&state, Some(&id))?;
    if let Some(requested) = form.0.get("active_organization_id") {
        let org_id = match requested.trim() {
            "" => None,
            id_or_slug => {
                let org = state
                    .store
                    .org(id_or_slug)?
                    .filter(|org| matches!(state.store.membership(&org.id, &user.id), Ok(Some(_))))
                    .ok_or_else(not_a_member)?;
                Some(org.id)
            }
        };
        state
            .store
            .set_session_org(&session.id, org_id.as_deref())?;
    }
    state.store.set_session_status(&session.id, "active")?;
    session = state.store.session(&session.id)?.unwrap_or(session);
    ctx.client.last_active_session_id = Some(session.id.clone());
    let response = render_session(&state, &session, &user, ctx.origin.as_deref())?;
    ctx.respond(&state, response)
}

/// 404 `organization_not_found_or_unauthorized`, Clerk's answer for an organization the user
/// does not belong to.
pub(crate) fn not_a_member() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "organization_not_found_or_unauthorized",
        "Organization not found or unauthorized",
    )
    .long("You are not a member of this organization, or it does not exist.")
}

/// `POST /v1/client/sessions/{id}/tokens`: a fresh session token, `{"object":"token","jwt":…}`,
/// for `organization_id` when the form has it (empty: the personal account), else for the
/// session's active organization.
async fn token(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let (session, _user) = ctx.session(&state, Some(&id))?;
    let org = match form.0.get("organization_id") {
        Some(org) => Some(org.trim())
            .filter(|o| !o.is_empty())
            .map(str::to_string),
        None => state.store.session_org(&session.id)?,
    };
    let jwt = state
        .mint_token_for(&session, ctx.origin.as_deref(), org.as_deref())
        .map_err(|e| ApiError::internal("signing", e))?;
    Ok(ctx.with_cookie(Json(json!({ "object": "token", "jwt": jwt }))))
}

/// `POST /v1/client/sessions/{id}/tokens/{template}`: JWT templates are not emulated; the
/// session token is returned for every template.
async fn template_token(
    state: State<Shared>,
    Path((id, _template)): Path<(String, String)>,
    ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    token(state, Path(id), ctx, form).await
}

async fn finish(
    state: &Shared,
    id: &str,
    mut ctx: Ctx,
    status: &str,
) -> Result<Response, ApiError> {
    let (mut session, user) = ctx.session(state, Some(id))?;
    state.store.set_session_status(&session.id, status)?;
    session.status = status.to_string();
    if ctx.client.last_active_session_id.as_deref() == Some(id) {
        ctx.client.last_active_session_id = None;
    }
    ctx.client.updated_at_secs = now_secs();
    let response = render_session(state, &session, &user, ctx.origin.as_deref())?;
    ctx.respond(state, response)
}

/// `POST /v1/client/sessions/{id}/end`.
async fn end(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    finish(&state, &id, ctx, "ended").await
}

/// `POST /v1/client/sessions/{id}/remove`.
async fn remove(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    finish(&state, &id, ctx, "removed").await
}

/// `DELETE /v1/client/sessions`: `Clerk.signOut()`, ends every session of the client.
async fn sign_out_all(State(state): State<Shared>, mut ctx: Ctx) -> Result<Response, ApiError> {
    state.store.end_client_sessions(&ctx.client.id, "ended")?;
    ctx.client.last_active_session_id = None;
    ctx.client.updated_at_secs = now_secs();
    state.store.save_client(&mut ctx.client)?;
    let client = render_client(&state, &ctx.client, ctx.origin.as_deref())?;
    ctx.respond(&state, client)
}
