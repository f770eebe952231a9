//! A production instance's cookies, as Clerk's: its Frontend API (not ClerkJS) sets
//! `__client_uat` and `__client_uat_<suffix>` on every response, and the handshake payload
//! carries the suffixed cookies the app asked for and no dev-browser cookie. A development
//! instance leaves `__client_uat` to ClerkJS.

mod common;

use clerk_dev_instance::InstanceEnvironment;
use common::*;
use reqwest::header::{LOCATION, SET_COOKIE};
use serde_json::Value;

/// Clerk's suffix for `pk_live_Y2xlcmsubG9jYWxob3N0JA` (SHA-1, base64url, 8 characters),
/// computed apart from the instance with Python's hashlib.
const LIVE_SUFFIX: &str = "gheHP-5P";

async fn start_production(dir: &std::path::Path) -> TestApp {
    start_with(dir, |mut config| {
        config.environment = InstanceEnvironment::Production;
        config
    })
    .await
}

/// The value the response's Set-Cookie lines give `name` (`None`: not set).
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|line| line.strip_prefix(&prefix))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_string())
}

/// `GET /v1/client` as ClerkJS calls it.
async fn get_client(browser: &reqwest::Client, app: &TestApp) -> reqwest::Response {
    browser
        .get(format!(
            "{}/__clerk/v1/client?__clerk_api_version=2025-11-10",
            app.base
        ))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn production_frontend_api_sets_client_uat_on_every_response() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_production(dir.path()).await;
    let browser = browser(&app);

    // A new browser: signed out, both names say 0.
    let response = get_client(&browser, &app).await;
    assert_eq!(set_cookie(&response, "__client_uat").as_deref(), Some("0"));
    let suffixed = format!("__client_uat_{LIVE_SUFFIX}");
    assert_eq!(set_cookie(&response, &suffixed).as_deref(), Some("0"));

    // Signed in: the epoch second of the sign-in, on both names.
    sign_in(&browser, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    let response = get_client(&browser, &app).await;
    let uat: i64 = set_cookie(&response, "__client_uat")
        .expect("__client_uat set")
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - 60..=now).contains(&uat), "uat {uat}, now {now}");
    assert_eq!(set_cookie(&response, &suffixed), Some(uat.to_string()));

    // Signed out again: back to 0.
    let (status, body) = fapi(&browser, &app, "DELETE", "/v1/client/sessions", &[]).await;
    assert_eq!(status, 200, "{body}");
    let response = get_client(&browser, &app).await;
    assert_eq!(set_cookie(&response, "__client_uat").as_deref(), Some("0"));
}

#[tokio::test]
async fn development_frontend_api_leaves_client_uat_to_clerk_js() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);
    sign_in(&browser, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    let response = get_client(&browser, &app).await;
    assert_eq!(response.status(), 200);
    assert_eq!(set_cookie(&response, "__client_uat"), None);
}

#[tokio::test]
async fn production_handshake_sets_the_suffixed_cookies_it_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_production(dir.path()).await;
    let browser = browser(&app);
    sign_in(&browser, &app, DEMO_EMAIL, DEMO_PASSWORD).await;

    let response = browser
        .get(format!("{}/__clerk/v1/client/handshake", app.base))
        .query(&[
            ("redirect_url", format!("{}/dashboard", app.base).as_str()),
            ("format", "nonce"),
            ("suffixed_cookies", "true"),
            ("__clerk_hs_reason", "client-uat-but-no-session-token"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 307);
    let location = response.headers()[LOCATION].to_str().unwrap().to_string();
    assert!(
        !location.contains("__clerk_db_jwt"),
        "no dev browser in production: {location}"
    );
    let nonce = location
        .split_once("__clerk_handshake_nonce=")
        .map(|(_, rest)| rest.split('&').next().unwrap_or_default().to_string())
        .expect("nonce in the redirect");

    let (status, payload) = handshake_payload(&app, &nonce).await;
    assert_eq!(status, 200, "{payload}");
    let lines: Vec<&str> = payload["directives"]
        .as_array()
        .expect("directives")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let names: Vec<&str> = lines
        .iter()
        .filter_map(|line| line.split('=').next())
        .collect();
    for name in [
        "__session".to_string(),
        format!("__session_{LIVE_SUFFIX}"),
        "__client_uat".to_string(),
        format!("__client_uat_{LIVE_SUFFIX}"),
    ] {
        assert!(names.contains(&name.as_str()), "{name} in {lines:?}");
    }
    assert!(
        !names.contains(&"__clerk_db_jwt"),
        "no dev browser in production: {lines:?}"
    );
    let token = lines
        .iter()
        .find_map(|line| line.strip_prefix(&format!("__session_{LIVE_SUFFIX}=")))
        .and_then(|rest| rest.split(';').next())
        .expect("suffixed session token");
    verify_token(&app, token).await;
}
