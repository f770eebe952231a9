//! `/v1/users` endpoints.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::{require_non_empty, ApiRequest};
use super::common::{DeletedObject, Page};
use super::{BackendApi, BackendApiError, User};

/// User endpoints; get one with [`BackendApi::users`].
#[derive(Clone, Copy, Debug)]
pub struct UsersApi<'a> {
    api: &'a BackendApi,
}

/// Filters and paging for [`UsersApi::list`] and [`UsersApi::count`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListUsersParams {
    /// Page size (Clerk's default 10, maximum 500). Ignored by `count`.
    pub limit: Option<u32>,
    /// Number of users to skip. Ignored by `count`.
    pub offset: Option<u32>,
    /// Sort key, e.g. `-created_at` (default) or `+last_sign_in_at`. Ignored by `count`.
    pub order_by: Option<String>,
    /// Only users with one of these email addresses.
    pub email_address: Vec<String>,
    /// Only users with one of these ids.
    pub user_id: Vec<String>,
    /// Only users with one of these external ids.
    pub external_id: Vec<String>,
    /// Only users with one of these usernames.
    pub username: Vec<String>,
    /// Only members of one of these organizations.
    pub organization_id: Vec<String>,
    /// Free-text search over ids, names, email addresses, phone numbers and usernames.
    pub query: Option<String>,
}

impl ListUsersParams {
    fn filters(&self) -> Vec<(&'static str, String)> {
        let lists = [
            ("email_address", &self.email_address),
            ("user_id", &self.user_id),
            ("external_id", &self.external_id),
            ("username", &self.username),
            ("organization_id", &self.organization_id),
        ];
        let mut query: Vec<(&'static str, String)> = lists
            .into_iter()
            .flat_map(|(key, values)| values.iter().map(move |value| (key, value.clone())))
            .collect();
        query.extend(self.query.clone().map(|text| ("query", text)));
        query
    }

    fn paged(&self) -> Vec<(&'static str, String)> {
        let mut query = self.filters();
        query.extend(self.limit.map(|limit| ("limit", limit.to_string())));
        query.extend(self.offset.map(|offset| ("offset", offset.to_string())));
        query.extend(self.order_by.clone().map(|order_by| ("order_by", order_by)));
        query
    }
}

/// Body of [`UsersApi::update`]; fields left `None` are not sent and keep their value.
///
/// Metadata given here **replaces** the whole object; use [`UsersApi::update_metadata`]
/// to merge instead.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct UpdateUser {
    /// New given name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// New family name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// New username.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// New password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Skip the password strength / breach checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_password_checks: Option<bool>,
    /// Sign the user out everywhere else after a password change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_out_of_other_sessions: Option<bool>,
    /// Id of an existing, verified email address of the user to make primary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_email_address_id: Option<String>,
    /// Your own id for the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Replaces the public metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Value>,
    /// Replaces the private metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Value>,
    /// Replaces the unsafe metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsafe_metadata: Option<Value>,
}

/// Body of [`UsersApi::update_metadata`]: deep-merged into the existing metadata;
/// a key set to `null` is deleted.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MetadataPatch {
    /// Merged into the public metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Value>,
    /// Merged into the private metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Value>,
    /// Merged into the unsafe metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsafe_metadata: Option<Value>,
}

/// Body of [`UsersApi::create`]; which identifiers are required depends on the
/// instance's settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CreateUser {
    /// Email addresses; the first becomes the primary one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub email_address: Vec<String>,
    /// Phone numbers (E.164); the first becomes the primary one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phone_number: Vec<String>,
    /// Username.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Plain-text password (at least 8 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Skip the password strength / breach checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_password_checks: Option<bool>,
    /// Create the user without a password even if the instance requires one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_password_requirement: Option<bool>,
    /// Given name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Your own id for the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Initial public metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Value>,
    /// Initial private metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Value>,
    /// Initial unsafe metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsafe_metadata: Option<Value>,
}

#[derive(Deserialize)]
struct TotalCount {
    total_count: u64,
}

impl BackendApi {
    /// User endpoints (`/v1/users`).
    pub fn users(&self) -> UsersApi<'_> {
        UsersApi { api: self }
    }
}

impl<'a> UsersApi<'a> {
    /// `GET /v1/users/{id}`.
    pub async fn get(&self, user_id: &str) -> Result<User, BackendApiError> {
        require_non_empty("user_id", user_id)?;
        self.api
            .execute(ApiRequest::new(Method::GET, ["users", user_id]))
            .await
    }

    /// `GET /v1/users`: one page of users, newest first unless `order_by` says otherwise.
    pub async fn list(&self, params: &ListUsersParams) -> Result<Vec<User>, BackendApiError> {
        let request = ApiRequest::new(Method::GET, ["users"]).query(params.paged());
        self.api.execute(request).await
    }

    /// `GET /v1/users/count`: how many users match the filters of `params`.
    pub async fn count(&self, params: &ListUsersParams) -> Result<u64, BackendApiError> {
        let request = ApiRequest::new(Method::GET, ["users", "count"]).query(params.filters());
        let count: TotalCount = self.api.execute(request).await?;
        Ok(count.total_count)
    }

    /// `PATCH /v1/users/{id}`: changes the fields set in `update`. Never retried.
    pub async fn update(
        &self,
        user_id: &str,
        update: &UpdateUser,
    ) -> Result<User, BackendApiError> {
        require_non_empty("user_id", user_id)?;
        let request = ApiRequest::new(Method::PATCH, ["users", user_id]).json(update)?;
        self.api.execute(request).await
    }

    /// `PATCH /v1/users/{id}/metadata`: deep-merges `patch`; `null` deletes a key. Never retried.
    pub async fn update_metadata(
        &self,
        user_id: &str,
        patch: &MetadataPatch,
    ) -> Result<User, BackendApiError> {
        require_non_empty("user_id", user_id)?;
        let request = ApiRequest::new(Method::PATCH, ["users", user_id, "metadata"]).json(patch)?;
        self.api.execute(request).await
    }

    /// `DELETE /v1/users/{id}`.
    pub async fn delete(&self, user_id: &str) -> Result<DeletedObject, BackendApiError> {
        require_non_empty("user_id", user_id)?;
        self.api
            .execute(ApiRequest::new(Method::DELETE, ["users", user_id]))
            .await
    }

    /// `GET /v1/users/{id}/organization_memberships`: the user's organizations, one page
    /// (the same call as [`super::OrganizationsApi::user_memberships`]).
    pub async fn organization_memberships(
        &self,
        user_id: &str,
        page: &Page,
    ) -> Result<super::Paginated<super::OrganizationMembership>, BackendApiError> {
        self.api
            .organizations()
            .user_memberships(user_id, page)
            .await
    }

    /// `POST /v1/users`. Never retried.
    pub async fn create(&self, user: &CreateUser) -> Result<User, BackendApiError> {
        let request = ApiRequest::new(Method::POST, ["users"]).json(user)?;
        self.api.execute(request).await
    }
}
