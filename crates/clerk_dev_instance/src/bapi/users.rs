//! BAPI users: create, get, list, count, update, metadata merge, delete.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::fapi::{is_valid_email, password_hash};
use crate::instance::Shared;
use crate::store::{NewUser, UserQuery, UserRecord};
use crate::views::backend_user_json;

/// User routes.
pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/users", get(list).post(create))
        .route("/v1/users/count", get(count))
        .route("/v1/users/{id}", get(show).patch(update).delete(remove))
        .route("/v1/users/{id}/metadata", patch(merge_metadata))
}

pub(super) fn invalid(param: &'static str, message: &str) -> ApiError {
    ApiError::form("form_param_format_invalid", param, message)
}

/// Parses a JSON object body.
pub(super) fn object_body(bytes: &Bytes) -> Result<Map<String, Value>, ApiError> {
    if bytes.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "request_body_invalid",
            "Invalid JSON body",
        )
        .long("The request body must be a JSON object.")),
    }
}

pub(super) fn string_field(
    body: &Map<String, Value>,
    key: &'static str,
) -> Result<Option<String>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(key, &format!("{key} must be a string."))),
    }
}

pub(super) fn object_field(
    body: &Map<String, Value>,
    key: &'static str,
) -> Result<Option<Value>, ApiError> {
    match body.get(key) {
        None => Ok(None),
        Some(value @ Value::Object(_)) => Ok(Some(value.clone())),
        Some(Value::Null) => Ok(Some(json!({}))),
        Some(_) => Err(invalid(key, &format!("{key} must be a JSON object."))),
    }
}

fn find(state: &Shared, id: &str) -> Result<UserRecord, ApiError> {
    state
        .store
        .user(id)?
        .ok_or_else(|| ApiError::not_found("User"))
}

/// `POST /v1/users` with `email_address: [..]`, `password`, names, metadata.
async fn create(State(state): State<Shared>, bytes: Bytes) -> Result<Json<Value>, ApiError> {
    let body = object_body(&bytes)?;
    let emails: Vec<String> = match body.get("email_address") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str())
            .map(str::to_string)
            .collect(),
        Some(Value::String(single)) => vec![single.clone()],
        _ => Vec::new(),
    };
    let [email] = emails.as_slice() else {
        return Err(ApiError::form(
            "form_param_missing",
            "email_address",
            "Exactly one email address is required (the local dev instance supports one per user).",
        ));
    };
    let email = email.trim().to_string();
    if !is_valid_email(&email) {
        return Err(invalid(
            "email_address",
            "Email address must be a valid email address.",
        ));
    }
    if state.store.user_by_email(&email)?.is_some() {
        return Err(ApiError::form(
            "form_identifier_exists",
            "email_address",
            "That email address is taken.",
        ));
    }
    let password_hash = match string_field(&body, "password")? {
        Some(password) => Some(password_hash(&state, &password).await?),
        None => None,
    };
    let user = state.store.insert_user(NewUser {
        email,
        password_hash,
        first_name: string_field(&body, "first_name")?,
        last_name: string_field(&body, "last_name")?,
        external_id: string_field(&body, "external_id")?,
        public_metadata: object_field(&body, "public_metadata")?,
        private_metadata: object_field(&body, "private_metadata")?,
        unsafe_metadata: object_field(&body, "unsafe_metadata")?,
    })?;
    Ok(Json(backend_user_json(&user)))
}

async fn show(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(backend_user_json(&find(&state, &id)?)))
}

/// Parses `limit`, `offset`, `email_address` (repeatable) and `query`.
fn user_query(raw: Option<String>) -> Result<UserQuery, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| invalid("query", "Malformed query string."))?;
    let mut query = UserQuery {
        limit: 10,
        ..UserQuery::default()
    };
    for (key, value) in pairs {
        match key.as_str() {
            "limit" => match value.parse::<i64>() {
                Ok(limit @ 1..=500) => query.limit = limit,
                _ => return Err(invalid("limit", "limit must be between 1 and 500.")),
            },
            "offset" => match value.parse::<i64>() {
                Ok(offset @ 0..) => query.offset = offset,
                _ => return Err(invalid("offset", "offset must be 0 or more.")),
            },
            "email_address" | "email_address[]" => query.emails.push(value),
            "query" => query.query = Some(value),
            _ => {}
        }
    }
    Ok(query)
}

/// `GET /v1/users`: a JSON array, newest first.
async fn list(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let users = state.store.list_users(&user_query(raw)?)?;
    Ok(Json(Value::Array(
        users.iter().map(backend_user_json).collect(),
    )))
}

/// `GET /v1/users/count`.
async fn count(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let total = state.store.count_users(&user_query(raw)?)?;
    Ok(Json(
        json!({ "object": "total_count", "total_count": total }),
    ))
}

/// `PATCH /v1/users/{id}`: names, external id, password; metadata given here replaces.
async fn update(
    State(state): State<Shared>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = object_body(&bytes)?;
    let mut user = find(&state, &id)?;
    if body.contains_key("first_name") {
        user.first_name = string_field(&body, "first_name")?;
    }
    if body.contains_key("last_name") {
        user.last_name = string_field(&body, "last_name")?;
    }
    if body.contains_key("external_id") {
        user.external_id = string_field(&body, "external_id")?;
    }
    if let Some(password) = string_field(&body, "password")? {
        user.password_hash = Some(password_hash(&state, &password).await?);
    }
    if let Some(value) = object_field(&body, "public_metadata")? {
        user.public_metadata = value;
    }
    if let Some(value) = object_field(&body, "private_metadata")? {
        user.private_metadata = value;
    }
    if let Some(value) = object_field(&body, "unsafe_metadata")? {
        user.unsafe_metadata = value;
    }
    state.store.save_user(&mut user)?;
    Ok(Json(backend_user_json(&user)))
}

/// Deep-merges `patch` into `target`; `null` values delete keys (Clerk's metadata semantics).
fn merge(target: &mut Value, patch: &Value) {
    match (target.as_object_mut(), patch.as_object()) {
        (Some(target), Some(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else if value.is_object() && target.get(key).is_some_and(Value::is_object) {
                    merge(target.entry(key.clone()).or_insert(Value::Null), value);
                } else {
                    target.insert(key.clone(), value.clone());
                }
            }
        }
        _ => *target = patch.clone(),
    }
}

/// `PATCH /v1/users/{id}/metadata`: merges public/private/unsafe metadata.
async fn merge_metadata(
    State(state): State<Shared>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = object_body(&bytes)?;
    let mut user = find(&state, &id)?;
    for (key, target) in [
        ("public_metadata", &mut user.public_metadata),
        ("private_metadata", &mut user.private_metadata),
        ("unsafe_metadata", &mut user.unsafe_metadata),
    ] {
        match body.get(key) {
            None | Some(Value::Null) => {}
            Some(patch @ Value::Object(_)) => merge(target, patch),
            Some(_) => return Err(invalid(key, "Metadata must be a JSON object.")),
        }
    }
    state.store.save_user(&mut user)?;
    Ok(Json(backend_user_json(&user)))
}

/// `DELETE /v1/users/{id}`.
async fn remove(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if !state.store.delete_user(&id)? {
        return Err(ApiError::not_found("User"));
    }
    Ok(Json(json!({ "object": "user", "id": id, "deleted": true })))
}
