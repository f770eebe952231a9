//! Backend API organizations and memberships: Clerk's shapes, error envelope and rules.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

async fn bapi(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}{path}", app.instance.backend_api_url(&app.base));
    let mut request = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(app.instance.secret_key());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

async fn create_user(app: &TestApp, email: &str) -> String {
    let body = json!({ "email_address": [email], "first_name": "Test" });
    let (status, user) = bapi(app, Method::POST, "/v1/users", Some(body)).await;
    assert_eq!(status, 200, "{user}");
    user["id"].as_str().unwrap().to_string()
}

const ADMIN_PERMISSIONS: [&str; 6] = [
    "org:sys_profile:manage",
    "org:sys_profile:delete",
    "org:sys_memberships:read",
    "org:sys_memberships:manage",
    "org:sys_domains:read",
    "org:sys_domains:manage",
];

#[tokio::test]
async fn organizations_can_be_created_read_listed_updated_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let ada = create_user(&app, "ada@example.com").await;

    let body = json!({
        "name": "Acme Inc", "created_by": ada,
        "public_metadata": { "plan": "gold" }, "private_metadata": { "crm": 7 },
    });
    let (status, org) = bapi(&app, Method::POST, "/v1/organizations", Some(body)).await;
    assert_eq!(status, 200, "{org}");
    let id = org["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("org_"), "{id}");
    assert_eq!(org["object"], "organization");
    assert_eq!(org["slug"], "acme-inc", "slug derived from the name");
    assert_eq!(org["members_count"], 1, "the creator is a member");
    assert_eq!(org["created_by"], ada.as_str());
    assert_eq!(org["public_metadata"]["plan"], "gold");
    assert_eq!(org["private_metadata"]["crm"], 7);
    for field in [
        "has_image",
        "max_allowed_memberships",
        "admin_delete_enabled",
    ] {
        assert!(!org[field].is_null(), "{field} missing: {org}");
    }
    assert!(
        org["created_at"].as_i64().unwrap() > 1_600_000_000_000,
        "epoch ms"
    );

    // By id and by slug.
    for key in [id.as_str(), "acme-inc"] {
        let (status, found) =
            bapi(&app, Method::GET, &format!("/v1/organizations/{key}"), None).await;
        assert_eq!((status, found["id"].as_str()), (200, Some(id.as_str())));
    }
    let (status, missing) = bapi(&app, Method::GET, "/v1/organizations/org_nope", None).await;
    assert_eq!((status, error_code(&missing)), (404, "resource_not_found"));

    // A second one with an explicit slug; a taken slug is a 422 on `slug`.
    let body = json!({ "name": "Globex", "slug": "globex" });
    let (status, globex) = bapi(&app, Method::POST, "/v1/organizations", Some(body)).await;
    assert_eq!((status, globex["members_count"].as_i64()), (200, Some(0)));
    let body = json!({ "name": "Other", "slug": "globex" });
    let (status, taken) = bapi(&app, Method::POST, "/v1/organizations", Some(body)).await;
    assert_eq!(
        (status, error_code(&taken)),
        (422, "form_identifier_exists")
    );
    assert_eq!(taken["errors"][0]["meta"]["param_name"], "slug");
    let body = json!({ "name": "Bad", "slug": "Not A Slug" });
    let (status, bad) = bapi(&app, Method::POST, "/v1/organizations", Some(body)).await;
    assert_eq!(
        (status, error_code(&bad)),
        (422, "form_param_format_invalid")
    );

    // List: newest first, total_count, query on name/slug.
    let (status, list) = bapi(&app, Method::GET, "/v1/organizations?limit=1", None).await;
    assert_eq!(status, 200);
    assert_eq!(list["total_count"], 2);
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert_eq!(list["data"][0]["slug"], "globex");
    let (_, list) = bapi(&app, Method::GET, "/v1/organizations?query=acm", None).await;
    assert_eq!(list["total_count"], 1);
    assert_eq!(list["data"][0]["id"], id.as_str());

    // Update name and slug; metadata replaces.
    let body = json!({ "name": "Acme Corp", "slug": "acme", "public_metadata": { "tier": 2 } });
    let path = format!("/v1/organizations/{id}");
    let (status, updated) = bapi(&app, Method::PATCH, &path, Some(body)).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        (updated["name"].as_str(), updated["slug"].as_str()),
        (Some("Acme Corp"), Some("acme"))
    );
    assert_eq!(updated["public_metadata"], json!({ "tier": 2 }));
    let (status, _) = bapi(&app, Method::GET, "/v1/organizations/acme", None).await;
    assert_eq!(status, 200);
    let (status, taken) = bapi(
        &app,
        Method::PATCH,
        &path,
        Some(json!({ "slug": "globex" })),
    )
    .await;
    assert_eq!(
        (status, error_code(&taken)),
        (422, "form_identifier_exists")
    );

    // Delete: the organization and the creator's membership are gone.
    let (status, deleted) = bapi(&app, Method::DELETE, &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        deleted,
        json!({ "object": "organization", "id": id, "slug": "acme", "deleted": true })
    );
    let (status, _) = bapi(&app, Method::GET, &path, None).await;
    assert_eq!(status, 404);
    let (_, memberships) = bapi(
        &app,
        Method::GET,
        &format!("/v1/users/{ada}/organization_memberships"),
        None,
    )
    .await;
    assert_eq!(memberships["total_count"], 0);
}

#[tokio::test]
async fn an_empty_or_missing_name_is_a_422_in_clerks_error_envelope() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    for body in [json!({ "name": "" }), json!({ "name": "   " }), json!({})] {
        let (status, error) =
            bapi(&app, Method::POST, "/v1/organizations", Some(body.clone())).await;
        assert_eq!(status, 422, "{body}: {error}");
        let first = &error["errors"][0];
        assert_eq!(first["code"], "form_param_missing");
        assert_eq!(first["meta"]["param_name"], "name");
        assert!(first["message"].is_string() && first["long_message"].is_string());
        assert!(error["clerk_trace_id"].is_string());
    }
    let (status, error) = bapi(
        &app,
        Method::POST,
        "/v1/organizations",
        Some(json!({ "name": 5 })),
    )
    .await;
    assert_eq!(
        (status, error_code(&error)),
        (422, "form_param_format_invalid")
    );
    // Without the secret key: 401, like every BAPI route.
    let url = format!(
        "{}/v1/organizations",
        app.instance.backend_api_url(&app.base)
    );
    let response = reqwest::Client::new().get(url).send().await.unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn memberships_can_be_created_listed_changed_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let ada = create_user(&app, "ada@example.com").await;
    let bob = create_user(&app, "bob@example.com").await;
    let body = json!({ "name": "Acme", "created_by": ada });
    let (_, org) = bapi(&app, Method::POST, "/v1/organizations", Some(body)).await;
    let org_id = org["id"].as_str().unwrap().to_string();
    let members = format!("/v1/organizations/{org_id}/memberships");

    // Add Bob as a member (`member` is read as `org:member`).
    let body = json!({ "user_id": bob, "role": "member", "private_metadata": { "seat": 3 } });
    let (status, membership) = bapi(&app, Method::POST, &members, Some(body)).await;
    assert_eq!(status, 200, "{membership}");
    assert_eq!(membership["object"], "organization_membership");
    assert!(membership["id"].as_str().unwrap().starts_with("orgmem_"));
    assert_eq!(membership["role"], "org:member");
    assert_eq!(membership["role_name"], "Member");
    assert_eq!(
        membership["permissions"],
        json!(["org:sys_memberships:read"])
    );
    assert_eq!(membership["private_metadata"]["seat"], 3);
    assert_eq!(membership["organization"]["id"], org_id.as_str());
    assert_eq!(membership["organization"]["members_count"], 2);
    let user_data = &membership["public_user_data"];
    assert_eq!(user_data["user_id"], bob.as_str());
    assert_eq!(user_data["identifier"], "bob@example.com");

    // Twice, an unknown role, an unknown user.
    let body = json!({ "user_id": bob, "role": "org:member" });
    let (status, again) = bapi(&app, Method::POST, &members, Some(body)).await;
    assert_eq!(
        (status, error_code(&again)),
        (422, "already_a_member_in_organization")
    );
    let body = json!({ "user_id": bob, "role": "org:owner" });
    let (status, bad) = bapi(&app, Method::POST, &members, Some(body)).await;
    assert_eq!(
        (status, error_code(&bad)),
        (422, "form_param_value_invalid")
    );
    let body = json!({ "user_id": "user_nope", "role": "org:member" });
    let (status, _) = bapi(&app, Method::POST, &members, Some(body)).await;
    assert_eq!(status, 404);

    // List: oldest first, with the creator as admin.
    let (status, list) = bapi(&app, Method::GET, &members, None).await;
    assert_eq!((status, list["total_count"].as_i64()), (200, Some(2)));
    let admin = &list["data"][0];
    assert_eq!(
        (
            admin["role"].as_str(),
            admin["public_user_data"]["user_id"].as_str()
        ),
        (Some("org:admin"), Some(ada.as_str()))
    );
    assert_eq!(admin["permissions"], json!(ADMIN_PERMISSIONS));

    // The user's side.
    let (status, mine) = bapi(
        &app,
        Method::GET,
        &format!("/v1/users/{bob}/organization_memberships"),
        None,
    )
    .await;
    assert_eq!((status, mine["total_count"].as_i64()), (200, Some(1)));
    assert_eq!(mine["data"][0]["organization"]["slug"], "acme");
    let (status, _) = bapi(
        &app,
        Method::GET,
        "/v1/users/user_nope/organization_memberships",
        None,
    )
    .await;
    assert_eq!(status, 404);

    // Promote Bob; then Ada may step down, but the last admin may not.
    let (status, promoted) = bapi(
        &app,
        Method::PATCH,
        &format!("{members}/{bob}"),
        Some(json!({ "role": "org:admin" })),
    )
    .await;
    assert_eq!(
        (status, promoted["role"].as_str()),
        (200, Some("org:admin"))
    );
    assert_eq!(promoted["permissions"], json!(ADMIN_PERMISSIONS));
    let (status, _) = bapi(
        &app,
        Method::PATCH,
        &format!("{members}/{ada}"),
        Some(json!({ "role": "org:member" })),
    )
    .await;
    assert_eq!(status, 200);
    let (status, last) = bapi(
        &app,
        Method::PATCH,
        &format!("{members}/{bob}"),
        Some(json!({ "role": "org:member" })),
    )
    .await;
    assert_eq!(
        (status, error_code(&last)),
        (422, "organization_minimum_permissions_needed")
    );
    let (status, last) = bapi(&app, Method::DELETE, &format!("{members}/{bob}"), None).await;
    assert_eq!(
        (status, error_code(&last)),
        (422, "organization_minimum_permissions_needed")
    );

    // Remove Ada: the removed membership comes back; then she is gone from the list.
    let (status, removed) = bapi(&app, Method::DELETE, &format!("{members}/{ada}"), None).await;
    assert_eq!(
        (status, removed["public_user_data"]["user_id"].as_str()),
        (200, Some(ada.as_str()))
    );
    let (_, list) = bapi(&app, Method::GET, &members, None).await;
    assert_eq!(list["total_count"], 1);
    let (status, _) = bapi(&app, Method::DELETE, &format!("{members}/{ada}"), None).await;
    assert_eq!(status, 404);

    // Deleting a user deletes their memberships.
    let (status, _) = bapi(&app, Method::DELETE, &format!("/v1/users/{bob}"), None).await;
    assert_eq!(status, 200);
    let (_, list) = bapi(&app, Method::GET, &members, None).await;
    assert_eq!(list["total_count"], 0);
}

#[tokio::test]
async fn custom_permissions_from_the_config_join_the_role_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_with(dir.path(), |mut config| {
        config.org_permissions = vec![
            clerk_dev_instance::OrgPermission::new(
                "org:invoices:read",
                &["org:admin", "org:member"],
            ),
            clerk_dev_instance::OrgPermission::new("org:invoices:manage", &["org:admin"]),
        ];
        config
    })
    .await;
    let ada = create_user(&app, "ada@example.com").await;
    let bob = create_user(&app, "bob@example.com").await;
    let (_, org) = bapi(
        &app,
        Method::POST,
        "/v1/organizations",
        Some(json!({ "name": "Acme", "created_by": ada })),
    )
    .await;
    let members = format!(
        "/v1/organizations/{}/memberships",
        org["id"].as_str().unwrap()
    );
    let (_, member) = bapi(
        &app,
        Method::POST,
        &members,
        Some(json!({ "user_id": bob, "role": "org:member" })),
    )
    .await;
    assert_eq!(
        member["permissions"],
        json!(["org:sys_memberships:read", "org:invoices:read"])
    );
    let (_, list) = bapi(&app, Method::GET, &members, None).await;
    let admin = list["data"][0]["permissions"].as_array().unwrap();
    assert!(
        admin.contains(&json!("org:invoices:manage"))
            && admin.contains(&json!("org:sys_profile:delete"))
    );
}
