//! Sign-in with email + password: one step (`identifier` + `password` in the create call, as the
//! `<SignIn/>` UI does) or two steps (`identifier`, then `attempt_first_factor`).

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;

use super::ctx::Ctx;
use crate::error::ApiError;
use crate::form::FormBody;
use crate::instance::Instance;
use crate::instance::Shared;
use crate::store::{SignInAttempt, UserRecord};
use crate::throttle::Locked;
use crate::util::{new_id, now_ms};
use crate::views;

/// Sign-in routes.
pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/client/sign_ins", post(create))
        .route("/v1/client/sign_ins/{id}", get(show))
        .route("/v1/client/sign_ins/{id}/prepare_first_factor", post(show))
        .route(
            "/v1/client/sign_ins/{id}/attempt_first_factor",
            post(attempt_first_factor),
        )
}

fn password_incorrect() -> ApiError {
    ApiError::form(
        "form_password_incorrect",
        "password",
        "Password is incorrect. Try again, or use another method.",
    )
}

/// Checks `password` (throttled per account) and, when right, completes the attempt with a
/// new session. Returns the sign-in JSON to answer with.
async fn complete_with_password(
    state: &Instance,
    ctx: &mut Ctx,
    mut attempt: SignInAttempt,
    mut user: UserRecord,
    password: Option<&str>,
) -> Result<Value, ApiError> {
    let hash = user
        .password_hash
        .as_deref()
        .ok_or_else(password_incorrect)?;
    let password = password.ok_or_else(password_incorrect)?;
    let right = state
        .check_password(&user.email, password, Some(hash))
        .await;
    if !right.map_err(Locked::api_error)? {
        return Err(password_incorrect());
    }
    let session = ctx.start_session(state, &mut user)?;
    attempt.status = "complete".to_string();
    attempt.first_factor_verified = true;
    attempt.created_session_id = Some(session.id);
    // A completed sign-in is no longer part of the client.
    ctx.client.sign_in = None;
    tracing::info!("clerk dev instance: {} signed in", user.email);
    Ok(views::sign_in_json(&attempt, Some(&user)))
}

/// Saves the client after a failed step so the UI can continue with the stored sign-in.
fn fail(state: &Instance, mut ctx: Ctx, error: ApiError) -> Result<Response, ApiError> {
    state.store.save_client(&mut ctx.client)?;
    Ok(ctx.with_cookie(error))
}

/// `POST /v1/client/sign_ins`.
async fn create(
    State(state): State<Shared>,
    mut ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let identifier = form.get("identifier").ok_or_else(|| {
        ApiError::form(
            "form_param_missing",
            "identifier",
            "Enter an email address.",
        )
    })?;
    let user = state.store.user_by_email(identifier)?.ok_or_else(|| {
        ApiError::form(
            "form_identifier_not_found",
            "identifier",
            "Couldn't find your account.",
        )
    })?;
    let attempt = SignInAttempt {
        id: new_id("sia"),
        identifier: identifier.trim().to_string(),
        user_id: user.id.clone(),
        status: "needs_first_factor".to_string(),
        first_factor_verified: false,
        created_session_id: None,
        created_at: now_ms(),
    };
    ctx.client.sign_in = Some(attempt.clone());
    let wants_password = form.get("strategy") == Some("password") || form.get("password").is_some();
    if !wants_password {
        let response = views::sign_in_json(&attempt, Some(&user));
        return ctx.respond(&state, response);
    }
    match complete_with_password(&state, &mut ctx, attempt, user, form.get("password")).await {
        Ok(response) => ctx.respond(&state, response),
        Err(error) => fail(&state, ctx, error),
    }
}

/// `GET /v1/client/sign_ins/{id}` (also answers `prepare_first_factor`: passwords need no
/// preparation).
async fn show(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let attempt = ctx
        .client
        .sign_in
        .clone()
        .filter(|a| a.id == id)
        .ok_or_else(|| ApiError::not_found("Sign in"))?;
    let user = state.store.user(&attempt.user_id)?;
    let response = views::sign_in_json(&attempt, user.as_ref());
    ctx.respond(&state, response)
}

/// `POST /v1/client/sign_ins/{id}/attempt_first_factor` with `strategy=password&password=…`.
async fn attempt_first_factor(
    State(state): State<Shared>,
    Path(id): Path<String>,
    mut ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let attempt = ctx
        .client
        .sign_in
        .clone()
        .filter(|a| a.id == id)
        .ok_or_else(|| ApiError::not_found("Sign in"))?;
    if form.get("strategy") != Some("password") {
        return Err(ApiError::form(
            "strategy_for_user_invalid",
            "strategy",
            "Only the password strategy is available in the local Clerk dev instance.",
        ));
    }
    let user = state.store.user(&attempt.user_id)?.ok_or_else(|| {
        ApiError::form(
            "form_identifier_not_found",
            "identifier",
            "Couldn't find your account.",
        )
    })?;
    match complete_with_password(&state, &mut ctx, attempt, user, form.get("password")).await {
        Ok(response) => ctx.respond(&state, response),
        Err(error) => fail(&state, ctx, error),
    }
}
