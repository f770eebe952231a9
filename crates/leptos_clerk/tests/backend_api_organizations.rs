//! Every `organizations()` call against the stand-in Backend API: method, path, query, body,
//! and the parsed answers (fixtures in the shapes of clerk/openapi-specs `bapi/2025-11-10.yml`).
#![cfg(feature = "ssr")]

mod backend_api_support;

use axum::http::Method;
use backend_api_support::{Recorded, Reply, StandIn};
use leptos_clerk::server::backend_api::{
    BackendApiError, CreateOrganization, ListOrganizationsParams, Page, UpdateOrganization,
};
use serde_json::{json, Value};

fn org_json(id: &str) -> Value {
    json!({
        "object": "organization", "id": id, "name": "Acme", "slug": "acme", "image_url": "",
        "has_image": false, "members_count": 2, "pending_invitations_count": 0,
        "max_allowed_memberships": 5, "admin_delete_enabled": true,
        "public_metadata": { "plan": "gold" }, "private_metadata": { "crm": 7 },
        "created_by": "user_a", "created_at": 1_700_000_000_000_i64,
        "updated_at": 1_700_000_000_001_i64,
    })
}

fn membership_json(user_id: &str, role: &str) -> Value {
    json!({
        "object": "organization_membership", "id": "orgmem_1", "role": role,
        "role_name": "Admin", "permissions": ["org:sys_memberships:read"],
        "public_metadata": {}, "private_metadata": null, "organization": org_json("org_1"),
        "public_user_data": { "user_id": user_id, "first_name": "Ada", "last_name": null,
            "image_url": "", "has_image": false, "identifier": "ada@example.com" },
        "created_at": 1, "updated_at": 2,
    })
}

/// Answers like Clerk would for the organization endpoints.
fn endpoint(request: &Recorded, _: usize) -> Reply {
    let path: Vec<&str> = request.path.trim_start_matches("/v1/").split('/').collect();
    match (&request.method, path.as_slice()) {
        (&Method::GET, ["organizations"]) => Reply::json(
            200,
            json!({ "data": [org_json("org_1")], "total_count": 3 }),
        ),
        (&Method::POST, ["organizations"]) if request.json()["name"] == "" => Reply::json(
            422,
            json!({ "errors": [{ "code": "form_param_missing", "message": "is missing",
                "long_message": "name is missing", "meta": { "param_name": "name" } }] }),
        ),
        (&Method::POST, ["organizations"]) | (&Method::PATCH, ["organizations", _]) => {
            let mut org = org_json("org_new");
            for (key, value) in request.json().as_object().expect("object body") {
                org[key] = value.clone();
            }
            Reply::json(200, org)
        }
        (&Method::GET, ["organizations", id]) => Reply::json(200, org_json(id)),
        (&Method::DELETE, ["organizations", id]) => Reply::json(
            200,
            json!({ "object": "organization", "id": id, "slug": "acme", "deleted": true }),
        ),
        (&Method::GET, ["organizations", _, "memberships"])
        | (&Method::GET, ["users", _, "organization_memberships"]) => Reply::json(
            200,
            json!({ "data": [membership_json("user_a", "org:admin")], "total_count": 1 }),
        ),
        (&Method::POST, ["organizations", _, "memberships"]) => {
            let body = request.json();
            let user = body["user_id"].as_str().unwrap_or_default();
            Reply::json(200, membership_json(user, body["role"].as_str().unwrap()))
        }
        (&Method::PATCH, ["organizations", _, "memberships", user]) => Reply::json(
            200,
            membership_json(user, request.json()["role"].as_str().unwrap()),
        ),
        (&Method::DELETE, ["organizations", _, "memberships", user]) => {
            Reply::json(200, membership_json(user, "org:member"))
        }
        _ => Reply::clerk_error(404, "resource_not_found", "not found", None),
    }
}

#[tokio::test]
async fn organizations_are_created_read_listed_updated_and_deleted() {
    let stand_in = StandIn::start(endpoint).await;
    let api = stand_in.client();
    let orgs = api.organizations();

    let org = orgs.get("acme").await.expect("org");
    assert_eq!((org.id.as_str(), org.slug.as_str()), ("acme", "acme"));
    assert_eq!(org.members_count, Some(2));
    assert_eq!(org.private_metadata["crm"], 7);
    assert_eq!(org.created_by.as_deref(), Some("user_a"));

    let params = ListOrganizationsParams {
        page: Page {
            limit: Some(20),
            offset: Some(40),
        },
        query: Some("ac me".into()),
        include_members_count: true,
        order_by: Some("-name".into()),
    };
    let page = orgs.list(&params).await.expect("list");
    assert_eq!((page.total_count, page.data.len()), (3, 1));

    let created = orgs
        .create(&CreateOrganization {
            name: "Globex".into(),
            created_by: Some("user_a".into()),
            ..CreateOrganization::default()
        })
        .await
        .expect("create");
    assert_eq!(created.name, "Globex");

    let updated = orgs
        .update(
            "org_1",
            &UpdateOrganization {
                slug: Some("globex".into()),
                ..Default::default()
            },
        )
        .await
        .expect("update");
    assert_eq!(updated.slug, "globex");

    let deleted = orgs.delete("org_1").await.expect("delete");
    assert!(deleted.deleted);

    let requests = stand_in.requests();
    let lines: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        lines,
        [
            "GET /v1/organizations/acme",
            "GET /v1/organizations",
            "POST /v1/organizations",
            "PATCH /v1/organizations/org_1",
            "DELETE /v1/organizations/org_1",
        ]
    );
    assert_eq!(
        requests[1].query,
        [
            ("limit", "20"),
            ("offset", "40"),
            ("query", "ac me"),
            ("order_by", "-name"),
            ("include_members_count", "true"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    assert_eq!(
        requests[2].json(),
        json!({ "name": "Globex", "created_by": "user_a" })
    );
    assert_eq!(requests[2].header("content-type"), Some("application/json"));
    assert_eq!(
        requests[3].json(),
        json!({ "slug": "globex" }),
        "unset fields are not sent"
    );
}

#[tokio::test]
async fn memberships_are_listed_created_changed_and_deleted() {
    let stand_in = StandIn::start(endpoint).await;
    let api = stand_in.client();
    let orgs = api.organizations();

    let page = orgs
        .memberships("org_1", &Page::default())
        .await
        .expect("members");
    assert_eq!(page.total_count, 1);
    let admin = &page.data[0];
    assert_eq!(
        (admin.role.as_str(), admin.user_id()),
        ("org:admin", Some("user_a"))
    );
    assert_eq!(admin.organization.id, "org_1");
    assert_eq!(
        admin.private_metadata,
        json!({}),
        "null metadata reads as {{}}"
    );

    let added = orgs
        .create_membership("org_1", "user_b", "org:member")
        .await
        .expect("add");
    assert_eq!(
        (added.role.as_str(), added.user_id()),
        ("org:member", Some("user_b"))
    );
    let promoted = orgs
        .update_membership("org_1", "user_b", "org:admin")
        .await
        .expect("role");
    assert_eq!(promoted.role, "org:admin");
    let removed = orgs
        .delete_membership("org_1", "user_b")
        .await
        .expect("remove");
    assert_eq!(removed.user_id(), Some("user_b"));
    let mine = api
        .users()
        .organization_memberships(
            "user_a",
            &Page {
                limit: Some(5),
                offset: None,
            },
        )
        .await
        .expect("user memberships");
    assert_eq!(mine.data[0].organization.slug, "acme");

    let requests = stand_in.requests();
    let lines: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        lines,
        [
            "GET /v1/organizations/org_1/memberships",
            "POST /v1/organizations/org_1/memberships",
            "PATCH /v1/organizations/org_1/memberships/user_b",
            "DELETE /v1/organizations/org_1/memberships/user_b",
            "GET /v1/users/user_a/organization_memberships",
        ]
    );
    assert_eq!(
        requests[1].json(),
        json!({ "user_id": "user_b", "role": "org:member" })
    );
    assert_eq!(requests[2].json(), json!({ "role": "org:admin" }));
    assert_eq!(requests[4].query, [("limit".to_string(), "5".to_string())]);
}

#[tokio::test]
async fn clerk_errors_and_bad_arguments_are_typed() {
    let stand_in = StandIn::start(endpoint).await;
    let api = stand_in.client();
    let error = api
        .organizations()
        .create(&CreateOrganization::default())
        .await
        .expect_err("empty name");
    let BackendApiError::Unprocessable(errors) = &error else {
        panic!("expected 422, got {error:?}");
    };
    assert_eq!(errors.errors[0].code, "form_param_missing");
    assert_eq!(errors.errors[0].param_name(), Some("name"));
    let error = api.organizations().get("").await.expect_err("empty id");
    assert!(matches!(
        error,
        BackendApiError::InvalidArgument {
            name: "organization_id",
            ..
        }
    ));
    let error = api
        .organizations()
        .update_membership("org_1", "user_b", " ")
        .await
        .expect_err("empty role");
    assert!(matches!(
        error,
        BackendApiError::InvalidArgument { name: "role", .. }
    ));
    assert_eq!(
        stand_in.requests().len(),
        1,
        "bad arguments never reach Clerk"
    );
}
