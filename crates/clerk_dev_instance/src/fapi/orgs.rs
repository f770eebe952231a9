//! Organizations in the Frontend API: what `<OrganizationSwitcher/>`, `<OrganizationProfile/>`,
//! `<CreateOrganization/>` and `<OrganizationList/>` call. Every route needs a signed-in session;
//! organization routes also need a membership with the permission Clerk requires
//! (`org:sys_profile:manage` to update, `org:sys_profile:delete` to delete,
//! `org:sys_memberships:manage` to invite, change roles and remove members).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, patch, post};
use axum::Router;
use serde_json::{json, Value};

use super::ctx::Ctx;
use super::sessions::not_a_member;
use crate::error::ApiError;
use crate::form::FormBody;
use crate::instance::Instance;
use crate::instance::Shared;
use crate::org_ops::{self, CreateOrg};
use crate::org_views::{
    invitation_json, membership_json, memberships_json, org_json, paginated, Api,
};
use crate::orgs::{permissions, roles_json};
use crate::store::{
    InvitationsOf, MembershipRecord, MembershipsOf, OrgRecord, SessionRecord, UserRecord,
};

type Params = Query<HashMap<String, String>>;

/// Organization routes of the Frontend API.
pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/organizations", post(create))
        .route(
            "/v1/organizations/{id}",
            get(show).patch(update).delete(destroy),
        )
        .route("/v1/organizations/{id}/roles", get(roles))
        .route(
            "/v1/organizations/{id}/memberships",
            get(members).post(add_member),
        )
        .route(
            "/v1/organizations/{id}/memberships/{user_id}",
            patch(change_role).delete(remove_member),
        )
        .route(
            "/v1/organizations/{id}/invitations",
            get(invitations).post(invite),
        )
        .route("/v1/organizations/{id}/invitations/bulk", post(invite_bulk))
        .route(
            "/v1/organizations/{id}/invitations/{invitation_id}/revoke",
            post(revoke),
        )
        .route("/v1/organizations/{id}/domains", get(empty_page))
        .route(
            "/v1/organizations/{id}/membership_requests",
            get(empty_page),
        )
        .route("/v1/me/organization_memberships", get(my_memberships))
        .route("/v1/me/organization_memberships/{id}", delete(leave))
        .route("/v1/me/organization_invitations", get(my_invitations))
        .route(
            "/v1/me/organization_invitations/{id}/accept",
            post(accept_invitation),
        )
        .route("/v1/me/organization_suggestions", get(empty_page))
}

fn signed_in(
    state: &Instance,
    ctx: &Ctx,
    params: &HashMap<String, String>,
) -> Result<(SessionRecord, UserRecord), ApiError> {
    ctx.session(state, params.get("_clerk_session_id").map(String::as_str))
}

/// The system permissions the handlers below require (Clerk's names).
const MANAGE_PROFILE: &str = "org:sys_profile:manage";
const DELETE_ORG: &str = "org:sys_profile:delete";
const READ_MEMBERS: &str = "org:sys_memberships:read";
const MANAGE_MEMBERS: &str = "org:sys_memberships:manage";

/// The signed-in user, an organization and their membership in it.
struct Member {
    user: UserRecord,
    org: OrgRecord,
    membership: MembershipRecord,
}

/// The request's signed-in user as a member of organization `id_or_slug`, provided the
/// membership has `permission`: 401 signed out, 404 for non-members, 403 for members without it.
fn signed_in_member(
    state: &Instance,
    ctx: &Ctx,
    params: &HashMap<String, String>,
    id_or_slug: &str,
    permission: Option<&str>,
) -> Result<Member, ApiError> {
    let (_, user) = signed_in(state, ctx, params)?;
    let org = state.store.org(id_or_slug)?.ok_or_else(not_a_member)?;
    let membership = state
        .store
        .membership(&org.id, &user.id)?
        .ok_or_else(not_a_member)?;
    if let Some(permission) = permission {
        if !permissions(&state.config, &membership.role)
            .iter()
            .any(|p| p == permission)
        {
            return Err(
                ApiError::new(StatusCode::FORBIDDEN, "not_allowed_access", "Not allowed").long(
                    format!(
                "Your role in this organization ({}) does not have the {permission} permission.",
                membership.role
            ),
                ),
            );
        }
    }
    Ok(Member {
        user,
        org,
        membership,
    })
}

/// `limit`/`offset` from the query (defaults 10/0; ClerkJS's paginated hooks send both).
fn page(params: &HashMap<String, String>) -> (i64, i64) {
    let limit = params
        .get("limit")
        .and_then(|l| l.parse().ok())
        .filter(|l| (1..=500).contains(l))
        .unwrap_or(10);
    let offset = params
        .get("offset")
        .and_then(|o| o.parse().ok())
        .filter(|o| *o >= 0)
        .unwrap_or(0);
    (limit, offset)
}

/// The `limit`/`offset` page of `items` the query asks for ([`page`]), and how many there are
/// in all.
fn page_of<'a, T>(items: &'a [T], params: &HashMap<String, String>) -> (&'a [T], i64) {
    let (limit, offset) = page(params);
    let start = usize::try_from(offset).unwrap_or(0).min(items.len());
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(0))
        .min(items.len());
    (&items[start..end], items.len() as i64)
}

/// `{data, total_count}` of the invitations `of` (with `status`, if the query has one), paged.
fn invitations_page(
    state: &Shared,
    params: &HashMap<String, String>,
    of: InvitationsOf<'_>,
) -> Result<Value, ApiError> {
    let status = params.get("status").map(String::as_str);
    let list = state.store.list_invitations(of, status)?;
    let (shown, total) = page_of(&list, params);
    let data = shown
        .iter()
        .map(|i| invitation_json(state, i))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(paginated(data, total))
}

/// `POST /v1/organizations` with `name` and optional `slug`: the user becomes its admin. The
/// session's active organization is left alone; ClerkJS activates it with `setActive` next.
async fn create(
    State(state): State<Shared>,
    Query(params): Params,
    ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let (_, user) = signed_in(&state, &ctx, &params)?;
    let org = org_ops::create_org(
        &state,
        CreateOrg {
            name: form.0.get("name").map(String::as_str),
            slug: form.get("slug"),
            created_by: Some(&user.id),
            ..CreateOrg::default()
        },
    )?;
    let body = org_json(&state, &org, Api::Frontend)?;
    ctx.respond(&state, body)
}

/// `GET /v1/organizations/{id}`: members only.
async fn show(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Params,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let Member { org, .. } = signed_in_member(&state, &ctx, &params, &id, None)?;
    let body = org_json(&state, &org, Api::Frontend)?;
    ctx.respond(&state, body)
}

/// `PATCH /v1/organizations/{id}` with `name` and/or `slug`.
async fn update(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Params,
    ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let Member { mut org, .. } =
        signed_in_member(&state, &ctx, &params, &id, Some(MANAGE_PROFILE))?;
    let name = form.0.get("name").map(String::as_str);
    org_ops::rename_org(&state, &mut org, name, form.get("slug"))?;
    let body = org_json(&state, &org, Api::Frontend)?;
    ctx.respond(&state, body)
}

/// `DELETE /v1/organizations/{id}`: admins, when the organization allows it.
async fn destroy(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Params,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let Member { org, .. } = signed_in_member(&state, &ctx, &params, &id, Some(DELETE_ORG))?;
    if !org.admin_delete_enabled {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "organization_admin_delete_not_enabled",
            "Deleting this organization is disabled",
        ));
    }
    state.store.delete_org(&org.id)?;
    tracing::info!("clerk dev instance: organization {} deleted", org.slug);
    let body = json!({ "object": "organization", "id": org.id, "slug": org.slug, "deleted": true });
    ctx.respond(&state, body)
}

/// `GET /v1/organizations/{id}/roles`: `org:admin` and `org:member`.
async fn roles(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Params,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    signed_in_member(&state, &ctx, &params, &id, None)?;
    let roles = roles_json(&state.config);
    let total = roles.len() as i64;
    let mut body = paginated(roles, total);
    body["has_role_set_migration"] = json!(false);
    ctx.respond(&state, body)
}

/// `GET /v1/organizations/{id}/memberships`: `{data, total_count}`, oldest first; `role`
/// filters (repeatable).
async fn members(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Params,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let Member { org, .. } = signed_in_member(&state, &ctx, &params, &id, Some(READ_MEMBERS))?;
    let roles: Vec<String> =
        serde_urlencoded::from_str::<Vec<(String, String)>>(raw.as_deref().unwrap_or(""))
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, v)| (k == "role" || k == "role[]") && !v.is_empty())
            .map(|(_, v)| v)
            .collect();
    let (all, _) = state
        .store
        .list_memberships(MembershipsOf::Org(&org.id), 10_000, 0)?;
    let matching: Vec<MembershipRecord> = all
        .into_iter()
        .filter(|m| roles.is_empty() || roles.contains(&m.role))
        .collect();
    let (shown, total) = page_of(&matching, &params);
    let body = paginated(memberships_json(&state, shown, Api::Frontend)?, total);
    ctx.respond(&state, body)
}

/// `POST /v1/organizations/{id}/memberships` with `user_id` and `role`.
async fn add_member(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Params,
    ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let Member { org, .. } = signed_in_member(&state, &ctx, &params, &id, Some(MANAGE_MEMBERS))?;
    let user_id = form
        .get("user_id")
        .ok_or_else(|| ApiError::form("form_param_missing", "user_id", "user_id is required."))?;
    let role = org_ops::valid_role(form.get("role"))?;
    let membership = org_ops::add_member(&state, &org, user_id, &role, None, None)?;
    let body = membership_json(&state, &membership, Api::Frontend)?;
    ctx.respond(&state, body)
}

/// `PATCH /v1/organizations/{id}/memberships/{user_id}` with `role`.
async fn change_role(
    State(state): State<Shared>,
    Path((id, user_id)): Path<(String, String)>,
    Query(params): Params,
    ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let Member { org, .. } = signed_in_member(&state, &ctx, &params, &id, Some(MANAGE_MEMBERS))?;
    let role = org_ops::valid_role(form.get("role"))?;
    let mut membership = org_ops::find_membership(&state, &org.id, &user_id)?;
    org_ops::change_role(&state, &mut membership, &role)?;
    tracing::info!(
        "clerk dev instance: {} is now {role} in {}",
        user_id,
        org.slug
    );
    let body = membership_json(&state, &membership, Api::Frontend)?;
    ctx.respond(&state, body)
}

/// `DELETE /v1/organizations/{id}/memberships/{user_id}`: the removed membership.
async fn remove_member(
    State(state): State<Shared>,
    Path((id, user_id)): Path<(String, String)>,
    Query(params): Params,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let Member { org, .. } = signed_in_member(&state, &ctx, &params, &id, Some(MANAGE_MEMBERS))?;
    let membership = org_ops::find_membership(&state, &org.id, &user_id)?;
    let body = membership_json(&state, &membership, Api::Frontend)?;
    org_ops::remove_member(&state, &membership)?;
    ctx.respond(&state, body)
}

/// `GET /v1/organizations/{id}/invitations?status=pending`: `{data, total_count}`.
async fn invitations(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Params,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let Member { org, .. } = signed_in_member(&state, &ctx, &params, &id, Some(MANAGE_MEMBERS))?;
    let body = invitations_page(&state, &params, InvitationsOf::Org(&org.id))?;
    ctx.respond(&state, body)
}

/// Invites each of `emails` with `role` and "sends" the invitation to the dev mailbox.
fn send_invitations(
    state: &Instance,
    org: &OrgRecord,
    inviter: &UserRecord,
    emails: &[&str],
    role: Option<&str>,
) -> Result<Vec<Value>, ApiError> {
    let role = org_ops::valid_role(role)?;
    if emails.is_empty() {
        return Err(ApiError::form(
            "form_param_missing",
            "email_address",
            "Enter at least one email address.",
        ));
    }
    let mut created = Vec::new();
    for email in emails {
        let email = email.trim();
        if !super::is_valid_email(email) {
            return Err(ApiError::form(
                "form_param_format_invalid",
                "email_address",
                "Email address must be a valid email address.",
            ));
        }
        if let Some(existing) = state.store.user_by_email(email)? {
            if state.store.membership(&org.id, &existing.id)?.is_some() {
                return Err(ApiError::form(
                    "already_a_member_in_organization",
                    "email_address",
                    &format!("{email} is already a member of the organization."),
                ));
            }
        }
        let pending = state
            .store
            .list_invitations(InvitationsOf::Email(email), Some("pending"))?;
        if pending.iter().any(|i| i.organization_id == org.id) {
            return Err(ApiError::form(
                "duplicate_record",
                "email_address",
                &format!("{email} already has a pending invitation."),
            ));
        }
        let invitation = state
            .store
            .insert_invitation(&org.id, email, &role, Some(&inviter.id))?;
        state.store.deliver_code(
            email,
            &invitation.id,
            &format!(
                "invitation to the organization \"{}\" as {role}: sign in (or sign up) with this \
                 address and accept it in the organization switcher or list",
                org.name
            ),
        )?;
        tracing::info!(
            "clerk dev instance: {email} invited to {} as {role} (see the dev page)",
            org.slug
        );
        created.push(invitation_json(state, &invitation)?);
    }
    Ok(created)
}

/// `POST /v1/organizations/{id}/invitations` with `email_address` and `role`.
async fn invite(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Params,
    ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let Member { user, org, .. } =
        signed_in_member(&state, &ctx, &params, &id, Some(MANAGE_MEMBERS))?;
    let email = form.get("email_address").into_iter().collect::<Vec<_>>();
    let mut created = send_invitations(&state, &org, &user, &email, form.get("role"))?;
    ctx.respond(&state, created.remove(0))
}

/// `POST /v1/organizations/{id}/invitations/bulk` with repeated `email_address` and one
/// `role` (`organization.inviteMembers`): a JSON array.
async fn invite_bulk(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Params,
    ctx: Ctx,
    form: FormBody,
) -> Result<Response, ApiError> {
    let Member { user, org, .. } =
        signed_in_member(&state, &ctx, &params, &id, Some(MANAGE_MEMBERS))?;
    let emails = form.all("email_address");
    let created = send_invitations(&state, &org, &user, &emails, form.get("role"))?;
    ctx.respond(&state, Value::Array(created))
}

/// `POST /v1/organizations/{id}/invitations/{invitation_id}/revoke`.
async fn revoke(
    State(state): State<Shared>,
    Path((id, invitation_id)): Path<(String, String)>,
    Query(params): Params,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let Member { org, .. } = signed_in_member(&state, &ctx, &params, &id, Some(MANAGE_MEMBERS))?;
    let mut invitation = state
        .store
        .invitation(&invitation_id)?
        .filter(|i| i.organization_id == org.id && i.status == "pending")
        .ok_or_else(|| ApiError::not_found("Invitation"))?;
    state
        .store
        .set_invitation_status(&mut invitation, "revoked")?;
    let body = invitation_json(&state, &invitation)?;
    ctx.respond(&state, body)
}

/// Lists the instance does not fill (domains, membership requests, suggestions).
async fn empty_page(
    State(state): State<Shared>,
    Query(params): Params,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    signed_in(&state, &ctx, &params)?;
    ctx.respond(&state, paginated(Vec::new(), 0))
}

/// `GET /v1/me/organization_memberships`: `{data, total_count}` with `paginated=true`, else a
/// bare array; newest first.
async fn my_memberships(
    State(state): State<Shared>,
    Query(params): Params,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let (_, user) = signed_in(&state, &ctx, &params)?;
    let (limit, offset) = page(&params);
    let (memberships, total) =
        state
            .store
            .list_memberships(MembershipsOf::User(&user.id), limit, offset)?;
    let data = memberships_json(&state, &memberships, Api::Frontend)?;
    let body = if params.get("paginated").map(String::as_str) == Some("true") {
        paginated(data, total)
    } else {
        Value::Array(data)
    };
    ctx.respond(&state, body)
}

/// `DELETE /v1/me/organization_memberships/{organization_id}`: leave the organization (the
/// last admin cannot).
async fn leave(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Params,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let Member { membership, .. } = signed_in_member(&state, &ctx, &params, &id, None)?;
    org_ops::remove_member(&state, &membership)?;
    let body = json!({ "object": "organization_membership", "id": membership.id, "deleted": true });
    ctx.respond(&state, body)
}

/// `GET /v1/me/organization_invitations?status=pending`: invitations to the user's address.
async fn my_invitations(
    State(state): State<Shared>,
    Query(params): Params,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let (_, user) = signed_in(&state, &ctx, &params)?;
    let body = invitations_page(&state, &params, InvitationsOf::Email(&user.email))?;
    ctx.respond(&state, body)
}

/// `POST /v1/me/organization_invitations/{id}/accept`: joins with the invited role.
async fn accept_invitation(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(params): Params,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let (_, user) = signed_in(&state, &ctx, &params)?;
    let mut invitation = state
        .store
        .invitation(&id)?
        .filter(|i| i.email.eq_ignore_ascii_case(&user.email) && i.status == "pending")
        .ok_or_else(|| ApiError::not_found("Invitation"))?;
    let org = org_ops::find_org(&state, &invitation.organization_id)?;
    org_ops::add_member(&state, &org, &user.id, &invitation.role, None, None)?;
    state
        .store
        .set_invitation_status(&mut invitation, "accepted")?;
    tracing::info!(
        "clerk dev instance: {} joined {} as {}",
        user.email,
        org.slug,
        invitation.role
    );
    let body = invitation_json(&state, &invitation)?;
    ctx.respond(&state, body)
}
