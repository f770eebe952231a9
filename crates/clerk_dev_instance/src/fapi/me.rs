//! `GET /v1/me` (`user.reload()`) and `PATCH /v1/me` (`user.update()`).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;

use super::sign_up::parse_metadata;
use super::{Ctx, FormBody, Shared};
use crate::error::ApiError;
use crate::views;

fn session_param(query: &HashMap<String, String>) -> Option<&str> {
    query.get("_clerk_session_id").map(String::as_str)
}

/// `GET /v1/me`.
pub(crate) async fn get(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let (_, user) = ctx.session(&state, session_param(&query))?;
    ctx.respond(&state, views::user_json(&user))
}

/// `PATCH /v1/me`: first/last name and unsafe metadata (JSON object, replaced).
pub(crate) async fn update(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
    ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let (_, mut user) = ctx.session(&state, session_param(&query))?;
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
    ctx.respond(&state, views::user_json(&user))
}
