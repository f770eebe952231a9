//! The instance only serves the developer's own browser: it refuses to start on a public bind
//! address without the opt-in, refuses requests addressed to a foreign `Host` (DNS rebinding),
//! throttles wrong passwords per identifier and bounds what anonymous requests can create.

mod common;

use std::net::SocketAddr;

use clerk_dev_instance::{bind_guard, DevInstance, DevInstanceConfig, DevInstanceError};
use common::*;
use reqwest::header::HOST;
use serde_json::{json, Value};

const OTHER_EMAIL: &str = "other@example.com";
const OTHER_PASSWORD: &str = "another-good-password";

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

#[test]
fn only_loopback_bind_addresses_start_without_the_opt_in() {
    for local in ["127.0.0.1:3000", "[::1]:3000", "127.0.0.2:8080"] {
        assert!(bind_guard(addr(local), false).is_ok(), "{local}");
    }
    for public in [
        "0.0.0.0:3000",
        "[::]:3000",
        "192.168.1.5:3000",
        "[fe80::1]:3000",
    ] {
        let error = bind_guard(addr(public), false).unwrap_err();
        assert!(
            matches!(error, DevInstanceError::RemoteBind { .. }),
            "{public}"
        );
        let message = error.to_string();
        for hint in [
            "CLERK_DEV_INSTANCE_ALLOW_REMOTE=1",
            "127.0.0.1",
            "CLERK_SECRET_KEY",
        ] {
            assert!(message.contains(hint), "{public}: {message}");
        }
        assert!(bind_guard(addr(public), true).is_ok(), "{public} opted in");
    }
}

#[test]
fn opening_for_a_public_bind_address_fails_unless_opted_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = DevInstanceConfig::new(dir.path(), vec!["http://127.0.0.1:3000".into()]);
    config.bind_addr = Some(addr("0.0.0.0:3000"));
    assert!(matches!(
        DevInstance::open(config.clone()),
        Err(DevInstanceError::RemoteBind { .. })
    ));
    config.allow_remote = true;
    assert!(DevInstance::open(config).is_ok());
}

/// Sends `GET /__clerk{path}` with `Host: host` (and the secret key, for the Backend API).
async fn get_with_host(app: &TestApp, path: &str, host: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .get(format!("{}/__clerk{path}", app.base))
        .header(HOST, host)
        .bearer_auth(app.instance.secret_key())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn requests_for_a_foreign_host_are_refused_on_every_route() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let port = app.base.rsplit(':').next().unwrap().to_owned();
    let paths = [
        "/v1/environment",
        "/v1/client",
        "/v1/jwks",
        "/api/v1/users",
        "/dev",
        "/oauth/authorize",
        "/npm/@clerk/clerk-js@6.40.0/dist/clerk.browser.js",
        "/no-such-route",
    ];
    let foreign = [
        "evil.example".to_owned(),
        "attacker.test:3000".to_owned(),
        format!("attacker.test:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        "127.0.0.1:1".to_owned(),
    ];
    for path in paths {
        for host in &foreign {
            let (status, body) = get_with_host(&app, path, host).await;
            assert_eq!(status, 403, "{host} {path}: {body}");
            assert!(body.contains("Host"), "{host} {path}: {body}");
            assert!(!body.contains("sk_test_"), "{host} {path}");
        }
    }
    // The app's own addresses work, whatever the loopback spelling.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("[::1]:{port}"),
    ] {
        for path in ["/v1/environment", "/api/v1/users", "/dev"] {
            let (status, body) = get_with_host(&app, path, &host).await;
            assert_eq!(status, 200, "{host} {path}: {body}");
        }
    }
}

#[tokio::test]
async fn the_dev_page_and_backend_api_refuse_requests_that_came_through_a_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let secret = app.instance.secret_key();
    let client = reqwest::Client::new();
    let send = |method: reqwest::Method, path: &str, header: Option<(&str, &str)>| {
        let mut request = client
            .request(method, format!("{}/__clerk{path}", app.base))
            .bearer_auth(&secret);
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.text().await.unwrap())
        }
    };
    let proxied = [
        ("x-forwarded-for", "203.0.113.7"),
        ("x-forwarded-host", "app.example"),
        ("x-forwarded-proto", "https"),
        ("forwarded", "for=203.0.113.7"),
        ("x-real-ip", "203.0.113.7"),
        ("clerk-proxy-url", "http://127.0.0.1:3000/__clerk"),
        ("clerk-secret-key", "sk_test_whatever"),
    ];
    for (method, path) in [
        (reqwest::Method::GET, "/dev"),
        (reqwest::Method::GET, "/api/v1/users"),
        (reqwest::Method::PATCH, "/api/v1/users/user_x"),
        (reqwest::Method::GET, "/api/v1/jwks"),
    ] {
        for header in proxied {
            let (status, body) = send(method.clone(), path, Some(header)).await;
            assert_eq!(status, 403, "{method} {path} with {header:?}: {body}");
            assert!(body.contains(header.0), "{path}: names the header: {body}");
            assert!(!body.contains("sk_test_"), "{path} with {header:?}");
        }
    }
    // Direct requests still work, and the Frontend API is still served through a proxy.
    for path in ["/dev", "/api/v1/users"] {
        let (status, body) = send(reqwest::Method::GET, path, None).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    let (status, body) = send(
        reqwest::Method::GET,
        "/v1/environment",
        Some(("clerk-proxy-url", "http://127.0.0.1:3000/__clerk")),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

/// One `POST /v1/client/sign_ins` with a password; the status and error code.
async fn try_password(
    client: &reqwest::Client,
    app: &TestApp,
    email: &str,
    password: &str,
) -> (u16, String) {
    let form = [
        ("identifier", email),
        ("password", password),
        ("strategy", "password"),
    ];
    let (status, body) = fapi(client, app, "POST", "/v1/client/sign_ins", &form).await;
    (status, error_code(&body).to_owned())
}

async fn create_other_user(app: &TestApp) {
    let response = reqwest::Client::new()
        .post(format!("{}/__clerk/api/v1/users", app.base))
        .bearer_auth(app.instance.secret_key())
        .json(&json!({ "email_address": [OTHER_EMAIL], "password": OTHER_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_identifier_even_against_the_right_one() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    create_other_user(&app).await;
    let attacker = browser(&app);
    for attempt in 1..=5 {
        let outcome = try_password(&attacker, &app, DEMO_EMAIL, "wrong-password").await;
        assert_eq!(
            outcome,
            (422, "form_password_incorrect".to_owned()),
            "attempt {attempt}"
        );
    }
    // Locked for this identifier: the right password is refused too, from any client and in
    // any spelling of the address.
    let outcome = try_password(&attacker, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    assert_eq!(outcome, (429, "too_many_requests".to_owned()));
    let owner = browser(&app);
    let outcome = try_password(&owner, &app, "Demo@Example.com", DEMO_PASSWORD).await;
    assert_eq!(outcome, (429, "too_many_requests".to_owned()));
    // The two-step path (identifier, then attempt_first_factor) is locked as well.
    let (status, body) = fapi(
        &owner,
        &app,
        "POST",
        "/v1/client/sign_ins",
        &[("identifier", DEMO_EMAIL)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let id = body["response"]["id"].as_str().unwrap().to_owned();
    let (status, body) = fapi(
        &owner,
        &app,
        "POST",
        &format!("/v1/client/sign_ins/{id}/attempt_first_factor"),
        &[("strategy", "password"), ("password", DEMO_PASSWORD)],
    )
    .await;
    assert_eq!((status, error_code(&body)), (429, "too_many_requests"));
    // Another identifier is unaffected.
    sign_in(&attacker, &app, OTHER_EMAIL, OTHER_PASSWORD).await;
}

#[tokio::test]
async fn a_successful_sign_in_resets_the_failure_count() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let owner = browser(&app);
    for _ in 0..2 {
        for _ in 0..4 {
            let outcome = try_password(&owner, &app, DEMO_EMAIL, "typo-password").await;
            assert_eq!(outcome.0, 422);
        }
        sign_in(&owner, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    }
}

fn client_rows(dir: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("instance.sqlite3")).unwrap();
    conn.query_row("SELECT count(*) FROM clients", [], |row| row.get(0))
        .unwrap()
}

#[tokio::test]
async fn anonymous_clients_are_capped_and_signed_in_ones_survive_a_flood() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_with(dir.path(), |mut config| {
        config.limits.max_clients = 20;
        config
    })
    .await;
    let owner = browser(&app);
    sign_in(&owner, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    for _ in 0..60 {
        // A fresh cookie-less client each time, as a script would send.
        let (status, _) = fapi(&browser(&app), &app, "GET", "/v1/client", &[]).await;
        assert_eq!(status, 200);
        assert!(client_rows(dir.path()) <= 20, "{}", client_rows(dir.path()));
    }
    let (_, client) = fapi(&owner, &app, "GET", "/v1/client", &[]).await;
    assert_eq!(
        client["response"]["sessions"][0]["status"], "active",
        "the signed-in client was kept: {client}"
    );
}

/// A cookie-less handshake; the nonce it redirected with.
async fn handshake_nonce(app: &TestApp) -> String {
    let response = browser(app)
        .get(format!("{}/__clerk/v1/client/handshake", app.base))
        .query(&[("redirect_url", format!("{}/", app.base).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 307);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let query = location.split_once('?').unwrap().1;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    pairs
        .into_iter()
        .find(|(k, _)| k == "__clerk_handshake_nonce")
        .unwrap()
        .1
}

async fn payload_status(app: &TestApp, nonce: &str) -> u16 {
    let response = reqwest::Client::new()
        .get(format!(
            "{}/__clerk/api/v1/clients/handshake_payload",
            app.base
        ))
        .query(&[("nonce", nonce)])
        .bearer_auth(app.instance.secret_key())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let _: Value = response.json().await.unwrap_or(Value::Null);
    status
}

#[tokio::test]
async fn pending_handshake_nonces_are_capped_oldest_first() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_with(dir.path(), |mut config| {
        config.limits.max_pending = 5;
        config
    })
    .await;
    let mut nonces = Vec::new();
    for _ in 0..8 {
        nonces.push(handshake_nonce(&app).await);
    }
    for old in &nonces[..3] {
        assert_eq!(payload_status(&app, old).await, 404, "evicted");
    }
    for recent in &nonces[3..] {
        assert_eq!(payload_status(&app, recent).await, 200, "kept");
    }
}
