//! JSON shapes of organizations, memberships and invitations (Clerk's `Organization`,
//! `OrganizationMembership`, `OrganizationInvitation`; the Backend API variant adds
//! `private_metadata`, `created_by` and the membership's `private_metadata`).

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::instance::Instance;
use crate::orgs::{permissions, role_name};
use crate::store::{InvitationRecord, InvitationsOf, MembershipRecord, OrgRecord, UserRecord};

/// Which API a view is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    /// The Frontend API (no private metadata).
    Frontend,
    /// The Backend API.
    Backend,
}

/// Invitations stay valid for 30 days, as Clerk's.
const INVITATION_TTL_MS: i64 = 30 * 86_400_000;

/// An organization with its member and pending-invitation counts.
pub(crate) fn org_json(state: &Instance, org: &OrgRecord, api: Api) -> Result<Value, ApiError> {
    let members = state
        .store
        .list_memberships(crate::store::MembershipsOf::Org(&org.id), 1, 0)?;
    let pending = state
        .store
        .list_invitations(InvitationsOf::Org(&org.id), Some("pending"))?
        .len();
    let mut value = json!({
        "object": "organization",
        "id": org.id,
        "name": org.name,
        "slug": org.slug,
        "image_url": "",
        "has_image": false,
        "members_count": members.1,
        "pending_invitations_count": pending,
        "max_allowed_memberships": org.max_allowed_memberships,
        "admin_delete_enabled": org.admin_delete_enabled,
        "public_metadata": org.public_metadata,
        "created_at": org.created_at,
        "updated_at": org.updated_at,
    });
    match api {
        Api::Frontend => value["self_serve_sso_enabled"] = json!(false),
        Api::Backend => {
            value["private_metadata"] = org.private_metadata.clone();
            value["created_by"] = json!(org.created_by.as_deref().unwrap_or(""));
            value["role_set_key"] = Value::Null;
        }
    }
    Ok(value)
}

fn public_user_data(user: &UserRecord) -> Value {
    json!({
        "user_id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "profile_image_url": "",
        "image_url": "",
        "has_image": false,
        "identifier": user.email,
        "username": null,
        "banned": false,
    })
}

/// A membership with its organization and the member's public data.
pub(crate) fn membership_json(
    state: &Instance,
    membership: &MembershipRecord,
    api: Api,
) -> Result<Value, ApiError> {
    let org = state
        .store
        .org(&membership.organization_id)?
        .ok_or_else(|| ApiError::not_found("Organization"))?;
    let user = state.store.user(&membership.user_id)?;
    let mut value = json!({
        "object": "organization_membership",
        "id": membership.id,
        "role": membership.role,
        "role_name": role_name(&membership.role),
        "permissions": permissions(&state.config, &membership.role),
        "public_metadata": membership.public_metadata,
        "organization": org_json(state, &org, api)?,
        "public_user_data": user.as_ref().map(public_user_data),
        "created_at": membership.created_at,
        "updated_at": membership.updated_at,
    });
    if api == Api::Backend {
        value["private_metadata"] = membership.private_metadata.clone();
    }
    Ok(value)
}

/// Memberships rendered one by one.
pub(crate) fn memberships_json(
    state: &Instance,
    memberships: &[MembershipRecord],
    api: Api,
) -> Result<Vec<Value>, ApiError> {
    memberships
        .iter()
        .map(|m| membership_json(state, m, api))
        .collect()
}

/// An invitation with the public data of its organization.
pub(crate) fn invitation_json(
    state: &Instance,
    invitation: &InvitationRecord,
) -> Result<Value, ApiError> {
    let org = state.store.org(&invitation.organization_id)?;
    Ok(json!({
        "object": "organization_invitation",
        "id": invitation.id,
        "email_address": invitation.email,
        "role": invitation.role,
        "role_name": role_name(&invitation.role),
        "organization_id": invitation.organization_id,
        "public_organization_data": org.as_ref().map(|org| json!({
            "id": org.id,
            "name": org.name,
            "slug": org.slug,
            "image_url": "",
            "has_image": false,
        })),
        "status": invitation.status,
        "public_metadata": {},
        "private_metadata": {},
        "inviter_user_id": invitation.inviter_user_id,
        "url": null,
        "expires_at": invitation.created_at + INVITATION_TTL_MS,
        "created_at": invitation.created_at,
        "updated_at": invitation.updated_at,
    }))
}

/// `{"data": [...], "total_count": n}`, Clerk's paginated envelope.
pub(crate) fn paginated(data: Vec<Value>, total_count: i64) -> Value {
    json!({ "data": data, "total_count": total_count })
}
