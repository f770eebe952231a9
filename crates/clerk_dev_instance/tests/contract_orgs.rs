//! Contract tests for organizations: every field clerk/openapi-specs (`fapi/2025-11-10.yml`:
//! `Client.Organization`, `Client.OrganizationMembership`, `Client.PublicUserData`,
//! `Client.OrganizationInvitation`, `Client.PublicOrganizationData`, `Client.Role`,
//! `Client.Permission`; `bapi/2025-11-10.yml`: `Organization`, `OrganizationMembership`,
//! `OrganizationMembershipPublicUserData`, `Organizations`, `OrganizationMemberships`) marks as
//! required, with the spec's JSON type (`?`: nullable).

mod common;

use common::*;
use serde_json::{json, Value};

type Fields = &'static [(&'static str, &'static str)];

const ORGANIZATION: Fields = &[
    ("object", "string"),
    ("id", "string"),
    ("name", "string"),
    ("slug", "string"),
    ("has_image", "boolean"),
    ("max_allowed_memberships", "integer"),
    ("admin_delete_enabled", "boolean"),
    ("public_metadata", "object"),
    ("created_at", "integer"),
    ("updated_at", "integer"),
];
const FAPI_MEMBERSHIP: Fields = &[
    ("object", "string"),
    ("id", "string"),
    ("public_metadata", "object"),
    ("role", "string"),
    ("role_name", "string"),
    ("permissions", "array?"),
    ("created_at", "integer"),
    ("updated_at", "integer"),
    ("organization", "object"),
];
const FAPI_PUBLIC_USER_DATA: Fields = &[
    ("first_name", "string?"),
    ("last_name", "string?"),
    ("identifier", "string"),
    ("has_image", "boolean"),
];
const FAPI_INVITATION: Fields = &[
    ("object", "string"),
    ("id", "string"),
    ("email_address", "string"),
    ("role", "string"),
    ("role_name", "string"),
    ("public_metadata", "object"),
    ("url", "string?"),
    ("expires_at", "integer?"),
    ("created_at", "integer"),
    ("updated_at", "integer"),
];
const PUBLIC_ORGANIZATION_DATA: Fields = &[
    ("id", "string"),
    ("name", "string"),
    ("slug", "string"),
    ("has_image", "boolean"),
];
const ROLE: Fields = &[
    ("object", "string"),
    ("id", "string"),
    ("name", "string"),
    ("key", "string"),
    ("is_creator_eligible", "boolean"),
    ("permissions", "array"),
    ("created_at", "integer"),
    ("updated_at", "integer"),
];
const PERMISSION: Fields = &[
    ("object", "string"),
    ("id", "string"),
    ("name", "string"),
    ("key", "string"),
    ("type", "string"),
    ("created_at", "integer"),
    ("updated_at", "integer"),
];
const BAPI_MEMBERSHIP: Fields = &[
    ("object", "string"),
    ("id", "string"),
    ("role", "string"),
    ("permissions", "array"),
    ("public_metadata", "object"),
    ("created_at", "integer"),
    ("updated_at", "integer"),
    ("organization", "object"),
];
const BAPI_PUBLIC_USER_DATA: Fields = &[
    ("user_id", "string"),
    ("first_name", "string?"),
    ("last_name", "string?"),
    ("profile_image_url", "string?"),
    ("image_url", "string"),
    ("has_image", "boolean"),
];
const PAGE: Fields = &[("data", "array"), ("total_count", "integer")];

fn type_matches(value: &Value, expected: &str) -> bool {
    let (base, nullable) = match expected.strip_suffix('?') {
        Some(base) => (base, true),
        None => (expected, false),
    };
    match value {
        Value::Null => nullable,
        Value::String(_) => base == "string",
        Value::Bool(_) => base == "boolean",
        Value::Number(n) => base == "integer" && n.is_i64(),
        Value::Array(_) => base == "array",
        Value::Object(_) => base == "object",
    }
}

fn violations(what: &str, object: &Value, fields: Fields) -> Vec<String> {
    if !object.is_object() {
        return vec![format!("{what}: not an object: {object}")];
    }
    fields
        .iter()
        .filter_map(|(name, expected)| match object.get(*name) {
            None => Some(format!("{what}.{name}: missing (expected {expected})")),
            Some(value) if !type_matches(value, expected) => {
                Some(format!("{what}.{name}: {value} is not {expected}"))
            }
            Some(_) => None,
        })
        .collect()
}

fn assert_contract(checks: Vec<Vec<String>>) {
    let problems: Vec<String> = checks.into_iter().flatten().collect();
    assert!(
        problems.is_empty(),
        "contract violations:\n{}",
        problems.join("\n")
    );
}

#[tokio::test]
async fn organization_objects_match_the_frontend_and_backend_api_specs() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);
    sign_in(&browser, &app, DEMO_EMAIL, DEMO_PASSWORD).await;

    // Frontend API.
    let (_, created) = fapi(
        &browser,
        &app,
        "POST",
        "/v1/organizations",
        &[("name", "Spec Org")],
    )
    .await;
    let org = &created["response"];
    let id = org["id"].as_str().unwrap().to_string();
    let (_, mine) = fapi(
        &browser,
        &app,
        "GET",
        "/v1/me/organization_memberships?paginated=true",
        &[],
    )
    .await;
    let membership = &mine["response"]["data"][0];
    let bulk = format!("/v1/organizations/{id}/invitations/bulk");
    let form = [
        ("email_address", "invitee@example.com"),
        ("role", "org:member"),
    ];
    let (_, invited) = fapi(&browser, &app, "POST", &bulk, &form).await;
    let invitation = &invited["response"][0];
    let (_, roles) = fapi(
        &browser,
        &app,
        "GET",
        &format!("/v1/organizations/{id}/roles"),
        &[],
    )
    .await;
    let role = &roles["response"]["data"][0];
    assert_contract(vec![
        violations("organization", org, ORGANIZATION),
        violations("memberships page", &mine["response"], PAGE),
        violations("membership", membership, FAPI_MEMBERSHIP),
        violations(
            "membership.organization",
            &membership["organization"],
            ORGANIZATION,
        ),
        violations(
            "membership.public_user_data",
            &membership["public_user_data"],
            FAPI_PUBLIC_USER_DATA,
        ),
        violations("invitation", invitation, FAPI_INVITATION),
        violations(
            "invitation.public_organization_data",
            &invitation["public_organization_data"],
            PUBLIC_ORGANIZATION_DATA,
        ),
        violations("roles page", &roles["response"], PAGE),
        violations("role", role, ROLE),
        violations("role.permissions[0]", &role["permissions"][0], PERMISSION),
    ]);

    // Backend API.
    let api = app.instance.backend_api_url(&app.base);
    let http = reqwest::Client::new();
    let key = app.instance.secret_key();
    let get = |path: String| {
        let request = http.get(format!("{api}{path}")).bearer_auth(&key);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let backend_org = get(format!("/v1/organizations/{id}")).await;
    let orgs = get("/v1/organizations".to_string()).await;
    let members = get(format!("/v1/organizations/{id}/memberships")).await;
    let user_id = members["data"][0]["public_user_data"]["user_id"]
        .as_str()
        .unwrap()
        .to_string();
    let user_memberships = get(format!("/v1/users/{user_id}/organization_memberships")).await;
    assert_contract(vec![
        violations("organization", &backend_org, ORGANIZATION),
        violations(
            "organization",
            &backend_org,
            &[("private_metadata", "object"), ("members_count", "integer")],
        ),
        violations("organizations", &orgs, PAGE),
        violations("organizations.data[0]", &orgs["data"][0], ORGANIZATION),
        violations("memberships", &members, PAGE),
        violations("membership", &members["data"][0], BAPI_MEMBERSHIP),
        violations(
            "membership.public_user_data",
            &members["data"][0]["public_user_data"],
            BAPI_PUBLIC_USER_DATA,
        ),
        violations("user memberships", &user_memberships, PAGE),
        violations(
            "user membership",
            &user_memberships["data"][0],
            BAPI_MEMBERSHIP,
        ),
    ]);
    assert_eq!(backend_org["object"], "organization");
    assert_eq!(members["data"][0]["object"], "organization_membership");
    assert_eq!(json!(invitation["object"]), "organization_invitation");
}
