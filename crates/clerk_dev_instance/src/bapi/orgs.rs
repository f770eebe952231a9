//! Backend API organizations and memberships (`/v1/organizations…`) and a user's
//! memberships (`/v1/users/{id}/organization_memberships`), in Clerk's shapes.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::routing::{get, patch};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::users::{invalid, object_body, object_field, string_field};
use crate::error::ApiError;
use crate::instance::Shared;
use crate::org_ops::{self, CreateOrg};
use crate::org_views::{membership_json, memberships_json, org_json, paginated, Api};
use crate::store::MembershipsOf;

/// Organization routes.
pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/organizations", get(list).post(create))
        .route(
            "/v1/organizations/{id}",
            get(show).patch(update).delete(remove),
        )
        .route(
            "/v1/organizations/{id}/memberships",
            get(list_members).post(add_member),
        )
        .route(
            "/v1/organizations/{id}/memberships/{user_id}",
            patch(update_member).delete(remove_member),
        )
        .route(
            "/v1/users/{id}/organization_memberships",
            get(user_memberships),
        )
}

/// `limit` (1..=500, default 10), `offset` and `query` of a list request.
struct Page {
    limit: i64,
    offset: i64,
    query: Option<String>,
}

fn page(raw: Option<String>) -> Result<Page, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| invalid("query", "Malformed query string."))?;
    let mut page = Page {
        limit: 10,
        offset: 0,
        query: None,
    };
    for (key, value) in pairs {
        match key.as_str() {
            "limit" => match value.parse::<i64>() {
                Ok(limit @ 1..=500) => page.limit = limit,
                _ => return Err(invalid("limit", "limit must be between 1 and 500.")),
            },
            "offset" => match value.parse::<i64>() {
                Ok(offset @ 0..) => page.offset = offset,
                _ => return Err(invalid("offset", "offset must be 0 or more.")),
            },
            "query" if !value.is_empty() => page.query = Some(value),
            _ => {}
        }
    }
    Ok(page)
}

fn int_field(
    body: &serde_json::Map<String, Value>,
    key: &'static str,
) -> Result<Option<i64>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_i64()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| invalid(key, &format!("{key} must be a non-negative integer."))),
    }
}

/// `GET /v1/organizations`: `{data, total_count}`, newest first.
async fn list(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let page = page(raw)?;
    let (orgs, total) = state
        .store
        .list_orgs(page.query.as_deref(), page.limit, page.offset)?;
    let data = orgs
        .iter()
        .map(|org| org_json(&state, org, Api::Backend))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(paginated(data, total)))
}

/// `POST /v1/organizations` with `name`, optional `slug`, `created_by`, metadata and
/// `max_allowed_memberships`.
async fn create(State(state): State<Shared>, bytes: Bytes) -> Result<Json<Value>, ApiError> {
    let body = object_body(&bytes)?;
    let name = string_field(&body, "name")?;
    let slug = string_field(&body, "slug")?;
    let created_by = string_field(&body, "created_by")?;
    let org = org_ops::create_org(
        &state,
        CreateOrg {
            name: name.as_deref(),
            slug: slug.as_deref(),
            created_by: created_by.as_deref().filter(|s| !s.is_empty()),
            max_allowed_memberships: int_field(&body, "max_allowed_memberships")?.unwrap_or(0),
            public_metadata: object_field(&body, "public_metadata")?,
            private_metadata: object_field(&body, "private_metadata")?,
        },
    )?;
    Ok(Json(org_json(&state, &org, Api::Backend)?))
}

/// `GET /v1/organizations/{id or slug}`.
async fn show(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let org = org_ops::find_org(&state, &id)?;
    Ok(Json(org_json(&state, &org, Api::Backend)?))
}

/// `PATCH /v1/organizations/{id}`: name, slug, metadata (replaced), `max_allowed_memberships`,
/// `admin_delete_enabled`.
async fn update(
    State(state): State<Shared>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = object_body(&bytes)?;
    let mut org = org_ops::find_org(&state, &id)?;
    if let Some(value) = object_field(&body, "public_metadata")? {
        org.public_metadata = value;
    }
    if let Some(value) = object_field(&body, "private_metadata")? {
        org.private_metadata = value;
    }
    if let Some(max) = int_field(&body, "max_allowed_memberships")? {
        org.max_allowed_memberships = max;
    }
    match body.get("admin_delete_enabled") {
        None | Some(Value::Null) => {}
        Some(Value::Bool(enabled)) => org.admin_delete_enabled = *enabled,
        Some(_) => {
            return Err(invalid(
                "admin_delete_enabled",
                "admin_delete_enabled must be a boolean.",
            ))
        }
    }
    let name = string_field(&body, "name")?;
    let slug = string_field(&body, "slug")?;
    org_ops::rename_org(&state, &mut org, name.as_deref(), slug.as_deref())?;
    Ok(Json(org_json(&state, &org, Api::Backend)?))
}

/// `DELETE /v1/organizations/{id}`: also its memberships and invitations.
async fn remove(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let org = org_ops::find_org(&state, &id)?;
    state.store.delete_org(&org.id)?;
    Ok(Json(
        json!({ "object": "organization", "id": org.id, "slug": org.slug, "deleted": true }),
    ))
}

/// `GET /v1/organizations/{id}/memberships`: `{data, total_count}`, oldest first.
async fn list_members(
    State(state): State<Shared>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let page = page(raw)?;
    let org = org_ops::find_org(&state, &id)?;
    let (memberships, total) =
        state
            .store
            .list_memberships(MembershipsOf::Org(&org.id), page.limit, page.offset)?;
    Ok(Json(paginated(
        memberships_json(&state, &memberships, Api::Backend)?,
        total,
    )))
}

/// `POST /v1/organizations/{id}/memberships` with `user_id` and `role`.
async fn add_member(
    State(state): State<Shared>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = object_body(&bytes)?;
    let org = org_ops::find_org(&state, &id)?;
    let user_id = string_field(&body, "user_id")?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::form("form_param_missing", "user_id", "user_id is required."))?;
    let role = org_ops::valid_role(string_field(&body, "role")?.as_deref())?;
    let membership = org_ops::add_member(
        &state,
        &org,
        &user_id,
        &role,
        object_field(&body, "public_metadata")?,
        object_field(&body, "private_metadata")?,
    )?;
    Ok(Json(membership_json(&state, &membership, Api::Backend)?))
}

/// `PATCH /v1/organizations/{id}/memberships/{user_id}` with `role`.
async fn update_member(
    State(state): State<Shared>,
    Path((id, user_id)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = object_body(&bytes)?;
    let org = org_ops::find_org(&state, &id)?;
    let role = org_ops::valid_role(string_field(&body, "role")?.as_deref())?;
    let mut membership = org_ops::find_membership(&state, &org.id, &user_id)?;
    org_ops::change_role(&state, &mut membership, &role)?;
    Ok(Json(membership_json(&state, &membership, Api::Backend)?))
}

/// `DELETE /v1/organizations/{id}/memberships/{user_id}`: the removed membership.
async fn remove_member(
    State(state): State<Shared>,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let org = org_ops::find_org(&state, &id)?;
    let membership = org_ops::find_membership(&state, &org.id, &user_id)?;
    let body = membership_json(&state, &membership, Api::Backend)?;
    org_ops::remove_member(&state, &membership)?;
    Ok(Json(body))
}

/// `GET /v1/users/{id}/organization_memberships`: `{data, total_count}`, newest first.
async fn user_memberships(
    State(state): State<Shared>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let page = page(raw)?;
    if state.store.user(&id)?.is_none() {
        return Err(ApiError::not_found("User"));
    }
    let (memberships, total) =
        state
            .store
            .list_memberships(MembershipsOf::User(&id), page.limit, page.offset)?;
    Ok(Json(paginated(
        memberships_json(&state, &memberships, Api::Backend)?,
        total,
    )))
}
