//! Organization operations shared by the Frontend and Backend API, with Clerk's validation
//! and error codes: names, slugs, roles, duplicate members and the last administrator.

use serde_json::Value;

use crate::error::ApiError;
use crate::instance::Instance;
use crate::orgs::{is_known_role, is_valid_slug, normalize_role, slugify, ROLE_ADMIN};
use crate::store::{MembershipRecord, NewOrg, OrgRecord};

/// Longest organization name Clerk accepts.
const MAX_NAME_LEN: usize = 256;

/// A validated organization name: trimmed, not empty, no longer than 256 characters.
pub(crate) fn valid_name(name: Option<&str>) -> Result<String, ApiError> {
    let name = name.map(str::trim).unwrap_or_default();
    if name.is_empty() {
        return Err(ApiError::form(
            "form_param_missing",
            "name",
            "Enter a name for the organization.",
        ));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(ApiError::form(
            "form_param_max_length_exceeded",
            "name",
            "The organization name must be 256 characters or fewer.",
        ));
    }
    Ok(name.to_string())
}

/// A validated slug.
pub(crate) fn valid_slug(slug: &str) -> Result<String, ApiError> {
    let slug = slug.trim();
    if !is_valid_slug(slug) {
        return Err(ApiError::form(
            "form_param_format_invalid",
            "slug",
            "The slug can contain only lowercase letters, digits and dashes.",
        ));
    }
    Ok(slug.to_string())
}

fn slug_taken() -> ApiError {
    ApiError::form(
        "form_identifier_exists",
        "slug",
        "That slug is taken. Please try another.",
    )
}

/// A validated role key (`admin` is read as `org:admin`); unknown roles are a 422.
pub(crate) fn valid_role(role: Option<&str>) -> Result<String, ApiError> {
    let role = role
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            ApiError::form(
                "form_param_missing",
                "role",
                "Choose a role for the member.",
            )
        })?;
    let role = normalize_role(role);
    if !is_known_role(&role) {
        return Err(ApiError::form(
            "form_param_value_invalid",
            "role",
            "Unknown role: the local Clerk dev instance has org:admin and org:member.",
        ));
    }
    Ok(role)
}

/// Fields of [`create_org`].
#[derive(Debug, Default)]
pub(crate) struct CreateOrg<'a> {
    pub name: Option<&'a str>,
    pub slug: Option<&'a str>,
    pub created_by: Option<&'a str>,
    pub max_allowed_memberships: i64,
    pub public_metadata: Option<Value>,
    pub private_metadata: Option<Value>,
}

/// Creates an organization; its creator (if any) becomes its first `org:admin`.
pub(crate) fn create_org(state: &Instance, fields: CreateOrg<'_>) -> Result<OrgRecord, ApiError> {
    let name = valid_name(fields.name)?;
    let slug = match fields.slug.filter(|s| !s.trim().is_empty()) {
        Some(slug) => valid_slug(slug)?,
        None => unique_slug(state, &name)?,
    };
    if state.store.org(&slug)?.is_some() {
        return Err(slug_taken());
    }
    if let Some(user_id) = fields.created_by {
        if state.store.user(user_id)?.is_none() {
            return Err(ApiError::not_found("User"));
        }
    }
    let org = state.store.insert_org(NewOrg {
        name,
        slug,
        created_by: fields.created_by.map(str::to_string),
        max_allowed_memberships: fields.max_allowed_memberships,
        public_metadata: fields.public_metadata,
        private_metadata: fields.private_metadata,
    })?;
    if let Some(user_id) = fields.created_by {
        state
            .store
            .insert_membership(&org.id, user_id, ROLE_ADMIN, None, None)?;
    }
    tracing::info!(
        "clerk dev instance: organization {} ({}) created",
        org.slug,
        org.id
    );
    Ok(org)
}

/// A slug from `name` that no organization has yet (`acme`, `acme-2`, …).
fn unique_slug(state: &Instance, name: &str) -> Result<String, ApiError> {
    let base = Some(slugify(name))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "org".to_string());
    let mut candidate = base.clone();
    for n in 2.. {
        if state.store.org(&candidate)?.is_none() {
            break;
        }
        candidate = format!("{base}-{n}");
    }
    Ok(candidate)
}

/// Renames an organization and/or changes its slug.
pub(crate) fn rename_org(
    state: &Instance,
    org: &mut OrgRecord,
    name: Option<&str>,
    slug: Option<&str>,
) -> Result<(), ApiError> {
    if let Some(name) = name {
        org.name = valid_name(Some(name))?;
    }
    if let Some(slug) = slug {
        let slug = valid_slug(slug)?;
        if slug != org.slug && state.store.org(&slug)?.is_some() {
            return Err(slug_taken());
        }
        org.slug = slug;
    }
    state.store.save_org(org)?;
    Ok(())
}

/// The organization `id_or_slug`, or 404.
pub(crate) fn find_org(state: &Instance, id_or_slug: &str) -> Result<OrgRecord, ApiError> {
    state
        .store
        .org(id_or_slug)?
        .ok_or_else(|| ApiError::not_found("Organization"))
}

/// Adds an existing user with a valid role; a second membership is a 422.
pub(crate) fn add_member(
    state: &Instance,
    org: &OrgRecord,
    user_id: &str,
    role: &str,
    public_metadata: Option<Value>,
    private_metadata: Option<Value>,
) -> Result<MembershipRecord, ApiError> {
    if state.store.user(user_id)?.is_none() {
        return Err(ApiError::not_found("User"));
    }
    if state.store.membership(&org.id, user_id)?.is_some() {
        return Err(ApiError::form(
            "already_a_member_in_organization",
            "user_id",
            "The user is already a member of the organization.",
        ));
    }
    if org.max_allowed_memberships > 0 {
        let (_, count) =
            state
                .store
                .list_memberships(crate::store::MembershipsOf::Org(&org.id), 1, 0)?;
        if count >= org.max_allowed_memberships {
            return Err(ApiError::form(
                "organization_membership_quota_exceeded",
                "user_id",
                "The organization has reached its maximum number of memberships.",
            ));
        }
    }
    Ok(state
        .store
        .insert_membership(&org.id, user_id, role, public_metadata, private_metadata)?)
}

/// The membership of `user_id`, or 404.
pub(crate) fn find_membership(
    state: &Instance,
    org_id: &str,
    user_id: &str,
) -> Result<MembershipRecord, ApiError> {
    state
        .store
        .membership(org_id, user_id)?
        .ok_or_else(|| ApiError::not_found("Organization membership"))
}

fn last_admin() -> ApiError {
    ApiError::form(
        "organization_minimum_permissions_needed",
        "role",
        "There has to be at least one organization member with the administrator role.",
    )
}

/// Whether taking `membership` away from `org:admin` would leave the organization without one.
fn is_last_admin(state: &Instance, membership: &MembershipRecord) -> Result<bool, ApiError> {
    Ok(membership.role == ROLE_ADMIN
        && state
            .store
            .count_role(&membership.organization_id, ROLE_ADMIN)?
            <= 1)
}

/// Changes a member's role; demoting the last administrator is a 422.
pub(crate) fn change_role(
    state: &Instance,
    membership: &mut MembershipRecord,
    role: &str,
) -> Result<(), ApiError> {
    if role != ROLE_ADMIN && is_last_admin(state, membership)? {
        return Err(last_admin());
    }
    state.store.set_membership_role(membership, role)?;
    Ok(())
}

/// Removes a member; removing the last administrator is a 422.
pub(crate) fn remove_member(
    state: &Instance,
    membership: &MembershipRecord,
) -> Result<(), ApiError> {
    if is_last_admin(state, membership)? {
        return Err(last_admin());
    }
    state
        .store
        .delete_membership(&membership.organization_id, &membership.user_id)?;
    Ok(())
}
