//! `Auth::org_id()`, `org_slug()`, `org_role()`, `org_permissions()` and `has()` (roles,
//! permissions, plans and features) read from
//! REAL session tokens: the local Clerk dev instance runs on 127.0.0.1:0, users sign in and
//! switch organizations through its Frontend API as ClerkJS would, and the layer verifies the
//! tokens against the instance's JWKS over its Backend API.
#![cfg(feature = "ssr")]

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use axum::{Json, Router};
use clerk_dev_instance::{DevInstance, DevInstanceConfig, OrgPermission};
use leptos_clerk::server::{Auth, Check, Clerk, ClerkConfig};
use serde_json::{json, Value};
use tower::ServiceExt;

struct Instance {
    base: String,
    instance: DevInstance,
    _dir: tempfile::TempDir,
}

async fn start_instance() -> Instance {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = DevInstanceConfig::new(dir.path(), vec![base.clone()]);
    config.org_permissions = vec![
        OrgPermission::new("org:invoices:read", &["org:admin", "org:member"]),
        OrgPermission::new("org:invoices:manage", &["org:admin"]),
        OrgPermission::new("org:reports:read", &["org:admin"]),
    ];
    let instance = DevInstance::open(config).unwrap();
    let app = Router::new().nest("/__clerk", instance.router());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Instance {
        base,
        instance,
        _dir: dir,
    }
}

/// A browser-like client of the instance's Frontend API (cookies, the app's `Origin`).
fn browser(instance: &Instance) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("origin", instance.base.parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

async fn fapi(
    client: &reqwest::Client,
    instance: &Instance,
    path: &str,
    form: &[(&str, &str)],
) -> Value {
    let url = format!("{}/__clerk{path}", instance.base);
    let response = client.post(url).form(form).send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

/// A Backend API call of the instance; panics unless it succeeds, returns the JSON answer.
async fn bapi(instance: &Instance, method: reqwest::Method, path: &str, body: Value) -> Value {
    let url = format!(
        "{}{path}",
        instance.instance.backend_api_url(&instance.base)
    );
    let response = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(instance.instance.secret_key())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

async fn bapi_post(instance: &Instance, path: &str, body: Value) -> Value {
    bapi(instance, reqwest::Method::POST, path, body).await
}

/// Signs `email` in; returns the session id.
async fn sign_in(client: &reqwest::Client, instance: &Instance, email: &str) -> String {
    let body = fapi(
        client,
        instance,
        "/v1/client/sign_ins",
        &[
            ("identifier", email),
            ("password", "a-long-password-1"),
            ("strategy", "password"),
        ],
    )
    .await;
    body["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `setActive({ organization })`, then `getToken()`.
async fn token_for(
    client: &reqwest::Client,
    instance: &Instance,
    session: &str,
    org: &str,
) -> String {
    let touch = format!("/v1/client/sessions/{session}/touch");
    fapi(client, instance, &touch, &[("active_organization_id", org)]).await;
    let body = fapi(
        client,
        instance,
        &format!("/v1/client/sessions/{session}/tokens"),
        &[],
    )
    .await;
    body["jwt"].as_str().unwrap().to_owned()
}

/// The app: one route reporting what `Auth` reads from the request's token.
fn app(instance: &Instance) -> Router {
    let mut config = ClerkConfig::new(
        instance.instance.publishable_key(),
        instance.instance.secret_key(),
    );
    config.api_url = instance.instance.backend_api_url(&instance.base);
    config.authorized_parties = vec![instance.base.clone()];
    let clerk = Clerk::new(config).unwrap();
    Router::new()
        .route(
            "/",
            get(|auth: Auth| async move {
                let plans = ["pro", "u:pro", "o:pro", "team", "o:team", "u:team"]
                    .map(|plan| auth.has(Check::Plan(plan)));
                let features = [
                    "beta",
                    "u:beta",
                    "o:beta",
                    "reports",
                    "o:reports",
                    "invoices",
                ]
                .map(|feature| auth.has(Check::Feature(feature)));
                Json(json!({
                    "user_id": auth.user_id(),
                    "org_id": auth.org_id(),
                    "org_slug": auth.org_slug(),
                    "org_role": auth.org_role(),
                    "org_permissions": auth.org_permissions(),
                    "admin": auth.has(Check::Role("org:admin")),
                    "member": auth.has(Check::Role("member")),
                    "invoices_read": auth.has(Check::Permission("org:invoices:read")),
                    "invoices_manage": auth.has(Check::Permission("org:invoices:manage")),
                    "reports_read": auth.has(Check::Permission("org:reports:read")),
                    "sys_manage": auth.has(Check::Permission("org:sys_memberships:manage")),
                    "plans": plans,
                    "features": features,
                }))
            }),
        )
        .layer(clerk.layer())
}

/// `org_permissions` of an `auth_of` answer, sorted.
fn sorted_permissions(auth: &Value) -> Vec<String> {
    let mut permissions: Vec<String> =
        serde_json::from_value(auth["org_permissions"].clone()).unwrap();
    permissions.sort();
    permissions
}

async fn auth_of(app: &Router, token: &str) -> Value {
    let request = Request::get("/")
        .header("host", "localhost")
        .header("authorization", format!("Bearer {token}"))
        .header("sec-fetch-dest", "empty")
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn org_claims_of_real_dev_instance_tokens_drive_auth_and_has() {
    let instance = start_instance().await;
    let app = app(&instance);
    let ada_id = bapi_post(
        &instance,
        "/v1/users",
        json!({ "email_address": ["ada@example.com"], "password": "a-long-password-1" }),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bea_id = bapi_post(
        &instance,
        "/v1/users",
        json!({ "email_address": ["bea@example.com"], "password": "a-long-password-1" }),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let org = bapi_post(
        &instance,
        "/v1/organizations",
        json!({ "name": "Acme", "slug": "acme", "created_by": ada_id }),
    )
    .await;
    let org_id = org["id"].as_str().unwrap().to_owned();
    let members = format!("/v1/organizations/{org_id}/memberships");
    bapi_post(
        &instance,
        &members,
        json!({ "user_id": bea_id, "role": "org:member" }),
    )
    .await;

    let ada = browser(&instance);
    let ada_session = sign_in(&ada, &instance, "ada@example.com").await;
    let bea = browser(&instance);
    let bea_session = sign_in(&bea, &instance, "bea@example.com").await;

    // The admin: role, slug, custom permissions decoded from per/fpm/fea.
    let auth = auth_of(
        &app,
        &token_for(&ada, &instance, &ada_session, &org_id).await,
    )
    .await;
    assert_eq!(auth["user_id"], ada_id.as_str());
    assert_eq!(auth["org_id"], org_id.as_str());
    assert_eq!(auth["org_slug"], "acme");
    assert_eq!(auth["org_role"], "org:admin");
    assert_eq!(
        sorted_permissions(&auth),
        [
            "org:invoices:manage",
            "org:invoices:read",
            "org:reports:read"
        ]
    );
    assert_eq!(
        (auth["admin"].as_bool(), auth["member"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(auth["invoices_manage"], true);
    assert_eq!(auth["reports_read"], true);
    assert_eq!(
        auth["sys_manage"], false,
        "system permissions are not in Clerk's tokens"
    );

    // The member.
    let auth = auth_of(
        &app,
        &token_for(&bea, &instance, &bea_session, &org_id).await,
    )
    .await;
    assert_eq!(auth["org_role"], "org:member");
    assert_eq!(auth["org_permissions"], json!(["org:invoices:read"]));
    assert_eq!(
        (auth["admin"].as_bool(), auth["member"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(
        (
            auth["invoices_read"].as_bool(),
            auth["invoices_manage"].as_bool()
        ),
        (Some(true), Some(false))
    );

    // Promoted through the Backend API: the next token says admin.
    bapi_patch(
        &instance,
        &format!("{members}/{bea_id}"),
        json!({ "role": "org:admin" }),
    )
    .await;
    let auth = auth_of(
        &app,
        &token_for(&bea, &instance, &bea_session, &org_id).await,
    )
    .await;
    assert_eq!(
        (auth["org_role"].as_str(), auth["invoices_manage"].as_bool()),
        (Some("org:admin"), Some(true))
    );

    // Personal account: no organization, every org check false.
    let auth = auth_of(&app, &token_for(&ada, &instance, &ada_session, "").await).await;
    assert_eq!(auth["user_id"], ada_id.as_str());
    assert!(auth["org_id"].is_null() && auth["org_role"].is_null());
    assert_eq!(auth["org_permissions"], json!([]));
    assert_eq!(
        (auth["admin"].as_bool(), auth["invoices_read"].as_bool()),
        (Some(false), Some(false))
    );
}

async fn bapi_patch(instance: &Instance, path: &str, body: Value) {
    bapi(instance, reqwest::Method::PATCH, path, body).await;
}

#[tokio::test]
async fn plans_and_features_set_through_the_backend_api_drive_has() {
    use clerk_dev_instance::BILLING_METADATA_KEY as BILLING;
    let instance = start_instance().await;
    let app = app(&instance);
    let user = json!({ "email_address": ["cy@example.com"], "password": "a-long-password-1" });
    let cy_id = bapi_post(&instance, "/v1/users", user).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let org = json!({ "name": "Beta", "slug": "beta-co", "created_by": cy_id });
    let org_id = bapi_post(&instance, "/v1/organizations", org).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cy = browser(&instance);
    let session = sign_in(&cy, &instance, "cy@example.com").await;

    // Nothing set: no plan, no feature (the custom permissions' `o:` features aside).
    let auth = auth_of(&app, &token_for(&cy, &instance, &session, &org_id).await).await;
    assert_eq!(
        auth["plans"],
        json!([false, false, false, false, false, false])
    );
    assert_eq!(
        auth["features"],
        json!([false, false, false, true, true, true])
    );

    let metadata = |plans: &[&str], features: &[&str]| json!({ "private_metadata": { BILLING: { "plans": plans, "features": features } } });
    bapi_patch(
        &instance,
        &format!("/v1/users/{cy_id}/metadata"),
        metadata(&["pro"], &["beta"]),
    )
    .await;
    let org_billing = metadata(&["team"], &["reports", "analytics"]);
    bapi_patch(
        &instance,
        &format!("/v1/organizations/{org_id}"),
        org_billing,
    )
    .await;

    // In the organization: the user's plans and features (u:) and the organization's (o:).
    let auth = auth_of(&app, &token_for(&cy, &instance, &session, &org_id).await).await;
    assert_eq!(auth["plans"], json!([true, true, false, true, true, false]));
    assert_eq!(
        auth["features"],
        json!([true, true, false, true, true, true])
    );
    // The organization's billing features leave the permissions' fpm bitmasks aligned.
    assert_eq!(
        sorted_permissions(&auth),
        [
            "org:invoices:manage",
            "org:invoices:read",
            "org:reports:read"
        ]
    );

    // Personal account: the user's only.
    let auth = auth_of(&app, &token_for(&cy, &instance, &session, "").await).await;
    assert_eq!(
        auth["plans"],
        json!([true, true, false, false, false, false])
    );
    assert_eq!(
        auth["features"],
        json!([true, true, false, false, false, false])
    );
}
