//! `/v1/organizations` endpoints, their memberships, and a user's memberships.

use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use super::client::{require_non_empty, ApiRequest};
use super::common::{DeletedObject, Page};
use super::{BackendApi, BackendApiError, Organization, OrganizationMembership, Paginated};

/// Organization and membership endpoints; get one with [`BackendApi::organizations`].
#[derive(Clone, Copy, Debug)]
pub struct OrganizationsApi<'a> {
    api: &'a BackendApi,
}

/// Filters and paging for [`OrganizationsApi::list`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListOrganizationsParams {
    /// Paging.
    pub page: Page,
    /// Exact id, or part of the name or slug.
    pub query: Option<String>,
    /// Ask Clerk to fill `members_count`.
    pub include_members_count: bool,
    /// Sort key, e.g. `-created_at` (default), `name`, `members_count`.
    pub order_by: Option<String>,
}

/// Body of [`OrganizationsApi::create`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CreateOrganization {
    /// The name (required, not empty, at most 256 characters).
    pub name: String,
    /// A unique slug; derived from the name when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// The creating user, who becomes its first `org:admin`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Membership limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_allowed_memberships: Option<u64>,
    /// Initial public metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Value>,
    /// Initial private metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Value>,
}

/// Body of [`OrganizationsApi::update`]; fields left `None` are not sent and keep their value.
/// Metadata given here replaces the whole object.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct UpdateOrganization {
    /// New name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New slug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// New membership limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_allowed_memberships: Option<u64>,
    /// Whether admins may delete the organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_delete_enabled: Option<bool>,
    /// Replaces the public metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Value>,
    /// Replaces the private metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Value>,
}

#[derive(Serialize)]
struct MembershipBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
    role: &'a str,
}

impl BackendApi {
    /// Organization and membership endpoints (`/v1/organizations`,
    /// `/v1/users/{id}/organization_memberships`).
    pub fn organizations(&self) -> OrganizationsApi<'_> {
        OrganizationsApi { api: self }
    }
}

impl<'a> OrganizationsApi<'a> {
    /// `GET /v1/organizations/{id or slug}`.
    pub async fn get(&self, id_or_slug: &str) -> Result<Organization, BackendApiError> {
        require_non_empty("organization_id", id_or_slug)?;
        self.api
            .execute(ApiRequest::new(Method::GET, ["organizations", id_or_slug]))
            .await
    }

    /// `GET /v1/organizations`: one page, newest first unless `order_by` says otherwise.
    pub async fn list(
        &self,
        params: &ListOrganizationsParams,
    ) -> Result<Paginated<Organization>, BackendApiError> {
        let mut query = params.page.query();
        query.extend(params.query.clone().map(|text| ("query", text)));
        query.extend(params.order_by.clone().map(|order| ("order_by", order)));
        if params.include_members_count {
            query.push(("include_members_count", "true".into()));
        }
        let request = ApiRequest::new(Method::GET, ["organizations"]).query(query);
        self.api.execute(request).await
    }

    /// `POST /v1/organizations`. Never retried.
    pub async fn create(
        &self,
        organization: &CreateOrganization,
    ) -> Result<Organization, BackendApiError> {
        let request = ApiRequest::new(Method::POST, ["organizations"]).json(organization)?;
        self.api.execute(request).await
    }

    /// `PATCH /v1/organizations/{id}`. Never retried.
    pub async fn update(
        &self,
        organization_id: &str,
        update: &UpdateOrganization,
    ) -> Result<Organization, BackendApiError> {
        require_non_empty("organization_id", organization_id)?;
        let request =
            ApiRequest::new(Method::PATCH, ["organizations", organization_id]).json(update)?;
        self.api.execute(request).await
    }

    /// `DELETE /v1/organizations/{id}`: also its memberships and invitations.
    pub async fn delete(&self, organization_id: &str) -> Result<DeletedObject, BackendApiError> {
        require_non_empty("organization_id", organization_id)?;
        self.api
            .execute(ApiRequest::new(
                Method::DELETE,
                ["organizations", organization_id],
            ))
            .await
    }

    /// `GET /v1/organizations/{id}/memberships`: the members, one page.
    pub async fn memberships(
        &self,
        organization_id: &str,
        page: &Page,
    ) -> Result<Paginated<OrganizationMembership>, BackendApiError> {
        require_non_empty("organization_id", organization_id)?;
        let request = ApiRequest::new(
            Method::GET,
            ["organizations", organization_id, "memberships"],
        )
        .query(page.query());
        self.api.execute(request).await
    }

    /// `POST /v1/organizations/{id}/memberships`: adds `user_id` with `role` (`org:member`).
    /// Never retried.
    pub async fn create_membership(
        &self,
        organization_id: &str,
        user_id: &str,
        role: &str,
    ) -> Result<OrganizationMembership, BackendApiError> {
        require_non_empty("organization_id", organization_id)?;
        require_non_empty("user_id", user_id)?;
        require_non_empty("role", role)?;
        let body = MembershipBody {
            user_id: Some(user_id),
            role,
        };
        let request = ApiRequest::new(
            Method::POST,
            ["organizations", organization_id, "memberships"],
        )
        .json(&body)?;
        self.api.execute(request).await
    }

    /// `PATCH /v1/organizations/{id}/memberships/{user_id}`: changes the member's role.
    /// Never retried.
    pub async fn update_membership(
        &self,
        organization_id: &str,
        user_id: &str,
        role: &str,
    ) -> Result<OrganizationMembership, BackendApiError> {
        require_non_empty("organization_id", organization_id)?;
        require_non_empty("user_id", user_id)?;
        require_non_empty("role", role)?;
        let body = MembershipBody {
            user_id: None,
            role,
        };
        let request = ApiRequest::new(
            Method::PATCH,
            ["organizations", organization_id, "memberships", user_id],
        )
        .json(&body)?;
        self.api.execute(request).await
    }

    /// `DELETE /v1/organizations/{id}/memberships/{user_id}`: the removed membership.
    pub async fn delete_membership(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> Result<OrganizationMembership, BackendApiError> {
        require_non_empty("organization_id", organization_id)?;
        require_non_empty("user_id", user_id)?;
        self.api
            .execute(ApiRequest::new(
                Method::DELETE,
                ["organizations", organization_id, "memberships", user_id],
            ))
            .await
    }

    /// `GET /v1/users/{id}/organization_memberships`: the user's organizations, one page.
    pub async fn user_memberships(
        &self,
        user_id: &str,
        page: &Page,
    ) -> Result<Paginated<OrganizationMembership>, BackendApiError> {
        require_non_empty("user_id", user_id)?;
        let request = ApiRequest::new(Method::GET, ["users", user_id, "organization_memberships"])
            .query(page.query());
        self.api.execute(request).await
    }
}
