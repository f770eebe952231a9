//! Backend API users CRUD, with and without the secret key.

mod common;

use common::*;
use serde_json::{json, Value};

async fn bapi(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> (u16, Value) {
    let url = format!("{}{path}", app.instance.backend_api_url(&app.base));
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn requests_without_the_secret_key_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    for key in [None, Some("sk_test_wrong"), Some("")] {
        let (status, body) = bapi(&app, reqwest::Method::GET, "/v1/users", None, key).await;
        assert_eq!(
            (status, error_code(&body)),
            (401, "clerk_key_invalid"),
            "{key:?}"
        );
    }
    let body = Some(json!({ "email_address": ["x@example.com"] }));
    let (status, _) = bapi(&app, reqwest::Method::POST, "/v1/users", body, None).await;
    assert_eq!(status, 401);
    let (status, _) = bapi(
        &app,
        reqwest::Method::DELETE,
        "/v1/users/user_x",
        None,
        None,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn users_can_be_created_read_listed_updated_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let key = app.instance.secret_key();
    let key = Some(key.as_str());
    use reqwest::Method;

    let body = json!({
        "email_address": ["ada@example.com"], "password": "analytical-engine",
        "first_name": "Ada", "last_name": "Lovelace", "public_metadata": { "role": "admin" },
    });
    let (status, user) = bapi(&app, Method::POST, "/v1/users", Some(body.clone()), key).await;
    assert_eq!(status, 200, "{user}");
    let id = user["id"].as_str().unwrap().to_string();
    assert_eq!(
        user["email_addresses"][0]["email_address"],
        "ada@example.com"
    );
    assert_eq!(user["public_metadata"]["role"], "admin");
    assert_eq!(user["private_metadata"], json!({}));
    assert_eq!(user["password_enabled"], true);

    let (status, again) = bapi(&app, Method::POST, "/v1/users", Some(body), key).await;
    assert_eq!(
        (status, error_code(&again)),
        (422, "form_identifier_exists")
    );

    // The created user can sign in through FAPI.
    let browser = browser(&app);
    sign_in(&browser, &app, "ada@example.com", "analytical-engine").await;

    let (status, got) = bapi(&app, Method::GET, &format!("/v1/users/{id}"), None, key).await;
    assert_eq!((status, got["first_name"].as_str()), (200, Some("Ada")));

    let (_, list) = bapi(
        &app,
        Method::GET,
        "/v1/users?email_address=ada@example.com",
        None,
        key,
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (_, list) = bapi(&app, Method::GET, "/v1/users?query=lovelace", None, key).await;
    assert_eq!(list[0]["id"], id.as_str());
    let (_, list) = bapi(&app, Method::GET, "/v1/users?limit=1&offset=1", None, key).await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "demo user + ada, second page"
    );
    let (_, count) = bapi(&app, Method::GET, "/v1/users/count", None, key).await;
    assert_eq!(count, json!({ "object": "total_count", "total_count": 2 }));
    let (status, body) = bapi(&app, Method::GET, "/v1/users?limit=0", None, key).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "form_param_format_invalid")
    );

    let patch = json!({ "first_name": "Augusta", "private_metadata": { "tier": 1 } });
    let (status, updated) = bapi(
        &app,
        Method::PATCH,
        &format!("/v1/users/{id}"),
        Some(patch),
        key,
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["first_name"], "Augusta");
    assert_eq!(updated["last_name"], "Lovelace");
    assert_eq!(updated["private_metadata"], json!({ "tier": 1 }));

    let merge = json!({ "public_metadata": { "team": "math", "role": null }, "private_metadata": { "x": { "y": 2 } } });
    let path = format!("/v1/users/{id}/metadata");
    let (status, merged) = bapi(&app, Method::PATCH, &path, Some(merge), key).await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(merged["public_metadata"], json!({ "team": "math" }));
    assert_eq!(
        merged["private_metadata"],
        json!({ "tier": 1, "x": { "y": 2 } })
    );

    let (status, deleted) = bapi(&app, Method::DELETE, &format!("/v1/users/{id}"), None, key).await;
    assert_eq!(status, 200);
    assert_eq!(
        deleted,
        json!({ "object": "user", "id": id, "deleted": true })
    );
    let (status, body) = bapi(&app, Method::GET, &format!("/v1/users/{id}"), None, key).await;
    assert_eq!((status, error_code(&body)), (404, "resource_not_found"));
    // Its session is gone with it.
    let (_, client) = fapi(&browser, &app, "GET", "/v1/client", &[]).await;
    assert_eq!(client["response"]["sessions"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn invalid_user_payloads_are_client_errors() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let key = app.instance.secret_key();
    let key = Some(key.as_str());
    use reqwest::Method;
    for body in [
        json!({}),
        json!({ "email_address": ["not-an-email"] }),
        json!({ "email_address": ["a@example.com"], "password": "short" }),
        json!({ "email_address": ["a@example.com"], "public_metadata": "nope" }),
        json!([1, 2]),
    ] {
        let (status, response) =
            bapi(&app, Method::POST, "/v1/users", Some(body.clone()), key).await;
        assert!(
            (400..500).contains(&status),
            "{body} -> {status} {response}"
        );
    }
    let (_, jwks) = bapi(&app, Method::GET, "/v1/jwks", None, key).await;
    assert_eq!(jwks, app.instance.jwks());
}
