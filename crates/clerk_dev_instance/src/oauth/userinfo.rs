//! `GET /oauth/userinfo`: the signed-in user's profile for a Bearer access token, shaped like
//! Clerk's (`user_id`, `email`, names, `picture`, metadata by scope).

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::error::OAuthError;
use crate::instance::Instance;
use crate::store::UserRecord;

/// `GET /oauth/userinfo` (also `POST`, as OpenID Connect allows).
pub(crate) async fn get(
    State(state): State<Arc<Instance>>,
    headers: HeaderMap,
) -> Result<Response, OAuthError> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            OAuthError::invalid_token("send the access token as Authorization: Bearer")
        })?;
    let grant = state
        .oauth
        .token(token)
        .ok_or_else(|| OAuthError::invalid_token("the access token is unknown or expired"))?;
    let user = state
        .store
        .user(&grant.user_id)?
        .ok_or_else(|| OAuthError::invalid_token("the user no longer exists"))?;
    let has = |scope: &str| grant.scopes.iter().any(|s| s == scope);
    let mut body = json!({
        "object": "oauth_user_info",
        "sub": user.id,
        "user_id": user.id,
        "instance_id": "ins_dev_local",
        "client_id": grant.client_id,
    });
    if has("email") {
        body["email"] = Value::String(user.email.clone());
        body["email_verified"] = Value::Bool(true);
    }
    if has("profile") {
        body["given_name"] = json!(user.first_name);
        body["family_name"] = json!(user.last_name);
        body["name"] = json!(full_name(&user));
        body["username"] = Value::Null;
        body["picture"] = Value::String(String::new());
    }
    if has("public_metadata") {
        body["public_metadata"] = user.public_metadata.clone();
    }
    if has("private_metadata") {
        body["private_metadata"] = user.private_metadata.clone();
    }
    Ok(([(CACHE_CONTROL, "no-store")], Json(body)).into_response())
}

/// "First Last", either alone, or `None` when the user has no name.
pub(crate) fn full_name(user: &UserRecord) -> Option<String> {
    let parts: Vec<&str> = [&user.first_name, &user.last_name]
        .into_iter()
        .filter_map(|p| p.as_deref().filter(|p| !p.is_empty()))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}
