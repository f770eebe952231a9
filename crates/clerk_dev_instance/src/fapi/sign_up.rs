//! Sign-up with email + password, verified with a random six-digit email code. The code is not
//! mailed: it is logged and listed on the `/dev` page.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{patch, post};
use axum::Router;
use serde_json::Value;

use super::ctx::Ctx;
use crate::error::ApiError;
use crate::form::FormBody;
use crate::instance::Instance;
use crate::instance::Shared;
use crate::store::{NewUser, SignUpAttempt};
use crate::util::{new_id, now_ms, random_code};
use crate::views;

const CODE_LIFETIME_MS: i64 = 10 * 60 * 1000;
const MAX_CODE_ATTEMPTS: u32 = 5;
const MIN_PASSWORD_LENGTH: usize = 8;
const MAX_PASSWORD_LENGTH: usize = 72;

/// Sign-up routes.
pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/client/sign_ups", post(create))
        .route("/v1/client/sign_ups/{id}", patch(update).get(show))
        .route(
            "/v1/client/sign_ups/{id}/prepare_verification",
            post(prepare_verification),
        )
        .route(
            "/v1/client/sign_ups/{id}/attempt_verification",
            post(attempt_verification),
        )
}

/// A plausible email address: `local@domain.tld`, no spaces.
pub(crate) fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
}

/// Applies the fields of `form` to the attempt, validating them like Clerk does.
async fn apply(
    state: &Instance,
    attempt: &mut SignUpAttempt,
    form: &FormBody,
) -> Result<(), ApiError> {
    if let Some(email) = form.get("email_address").map(str::trim) {
        if !is_valid_email(email) {
            return Err(ApiError::form(
                "form_param_format_invalid",
                "email_address",
                "Email address must be a valid email address.",
            ));
        }
        if state.store.user_by_email(email)?.is_some() {
            return Err(ApiError::form(
                "form_identifier_exists",
                "email_address",
                "That email address is taken. Please try another.",
            ));
        }
        if attempt.email.as_deref() != Some(email) {
            attempt.email = Some(email.to_string());
            attempt.email_verified = false;
            attempt.code = None;
        }
    }
    if let Some(password) = form.get("password") {
        attempt.password_hash = Some(password_hash(state, password).await?);
    }
    if let Some(first_name) = form.get("first_name") {
        attempt.first_name = Some(first_name.to_string());
    }
    if let Some(last_name) = form.get("last_name") {
        attempt.last_name = Some(last_name.to_string());
    }
    if let Some(metadata) = form.get("unsafe_metadata") {
        attempt.unsafe_metadata = Some(parse_metadata(metadata)?);
    }
    Ok(())
}

/// Validates the length and hashes a new password (off the async workers).
pub(crate) async fn password_hash(state: &Instance, password: &str) -> Result<String, ApiError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LENGTH {
        return Err(ApiError::form(
            "form_password_length_too_short",
            "password",
            "Passwords must be 8 characters or more.",
        ));
    }
    if length > MAX_PASSWORD_LENGTH {
        return Err(ApiError::form(
            "form_password_length_too_long",
            "password",
            "Passwords must be 72 characters or fewer.",
        ));
    }
    state
        .passwords
        .hash(password)
        .await
        .map_err(|e| ApiError::internal("password hashing", e))
}

/// Parses a JSON object sent as a form field (`unsafe_metadata`).
pub(crate) fn parse_metadata(text: &str) -> Result<Value, ApiError> {
    match serde_json::from_str::<Value>(text) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => Err(ApiError::form(
            "form_param_format_invalid",
            "unsafe_metadata",
            "unsafe_metadata must be a JSON object.",
        )),
    }
}

fn current(ctx: &Ctx, id: &str) -> Result<SignUpAttempt, ApiError> {
    ctx.client
        .sign_up
        .clone()
        .filter(|a| a.id == id)
        .ok_or_else(|| ApiError::not_found("Sign up"))
}

/// Stores the attempt on the client and answers with it.
fn answer(state: &Instance, mut ctx: Ctx, attempt: SignUpAttempt) -> Result<Response, ApiError> {
    let response = views::sign_up_json(&attempt);
    ctx.client.sign_up = Some(attempt);
    ctx.respond(state, response)
}

async fn create(
    State(state): State<Shared>,
    ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let mut attempt = SignUpAttempt {
        id: new_id("sua"),
        status: "missing_requirements".to_string(),
        created_at: now_ms(),
        ..SignUpAttempt::default()
    };
    apply(&state, &mut attempt, &form).await?;
    answer(&state, ctx, attempt)
}

async fn update(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let mut attempt = current(&ctx, &id)?;
    apply(&state, &mut attempt, &form).await?;
    answer(&state, ctx, attempt)
}

async fn show(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let attempt = current(&ctx, &id)?;
    answer(&state, ctx, attempt)
}

/// `prepare_verification` with `strategy=email_code`: "sends" a fresh random code.
async fn prepare_verification(
    State(state): State<Shared>,
    Path(id): Path<String>,
    ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let mut attempt = current(&ctx, &id)?;
    if form.get("strategy") != Some("email_code") {
        return Err(ApiError::form(
            "form_param_value_invalid",
            "strategy",
            "Only the email_code strategy is available in the local Clerk dev instance.",
        ));
    }
    let email = attempt.email.clone().ok_or_else(|| {
        ApiError::form(
            "form_param_missing",
            "email_address",
            "Enter an email address first.",
        )
    })?;
    let code = random_code();
    state
        .store
        .deliver_code(&email, &code, "sign-up verification")?;
    tracing::info!("clerk dev instance: verification code for {email}: {code}");
    attempt.code = Some(code);
    attempt.code_expires_at = Some(now_ms() + CODE_LIFETIME_MS);
    attempt.code_attempts = 0;
    answer(&state, ctx, attempt)
}

/// `attempt_verification` with `strategy=email_code&code=…`: verifies the email and, when
/// nothing else is missing, creates the user and signs it in.
async fn attempt_verification(
    State(state): State<Shared>,
    Path(id): Path<String>,
    mut ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let mut attempt = current(&ctx, &id)?;
    let expected = attempt.code.clone().ok_or_else(|| {
        ApiError::form(
            "verification_missing",
            "code",
            "Request a verification code first.",
        )
    })?;
    if attempt.code_expires_at.is_some_and(|at| at < now_ms()) {
        return Err(ApiError::form(
            "verification_expired",
            "code",
            "This code has expired.",
        ));
    }
    if attempt.code_attempts >= MAX_CODE_ATTEMPTS {
        return Err(ApiError::form(
            "verification_failed",
            "code",
            "Too many failed attempts.",
        ));
    }
    attempt.code_attempts += 1;
    if !form
        .get("code")
        .is_some_and(|code| crate::util::constant_time_eq(code.trim(), &expected))
    {
        ctx.client.sign_up = Some(attempt);
        state.store.save_client(&mut ctx.client)?;
        return Err(ApiError::form(
            "form_code_incorrect",
            "code",
            "Incorrect code",
        ));
    }
    attempt.email_verified = true;
    if let (Some(email), Some(hash)) = (attempt.email.clone(), attempt.password_hash.clone()) {
        let mut user = state
            .store
            .insert_user(NewUser {
                email,
                password_hash: Some(hash),
                first_name: attempt.first_name.clone(),
                last_name: attempt.last_name.clone(),
                unsafe_metadata: attempt.unsafe_metadata.clone(),
                ..NewUser::default()
            })
            .map_err(|_| {
                ApiError::form(
                    "form_identifier_exists",
                    "email_address",
                    "That email address is taken. Please try another.",
                )
            })?;
        let session = ctx.start_session(&state, &mut user)?;
        tracing::info!("clerk dev instance: {} signed up", user.email);
        attempt.status = "complete".to_string();
        attempt.created_user_id = Some(user.id);
        attempt.created_session_id = Some(session.id);
        let response = views::sign_up_json(&attempt);
        ctx.client.sign_up = None;
        return ctx.respond(&state, response);
    }
    answer(&state, ctx, attempt)
}
