//! State survives re-opening the same data folder; the release guard; file permissions.

mod common;

use clerk_dev_instance::{build_guard, DevInstance, DevInstanceConfig, DevInstanceError};
use common::*;

#[tokio::test]
async fn users_sessions_and_keys_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (secret, jwks, session_id, token);
    {
        let app = start(dir.path()).await;
        secret = app.instance.secret_key();
        jwks = app.instance.jwks();
        let browser = browser(&app);
        session_id = sign_in(&browser, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
        let path = format!("/v1/client/sessions/{session_id}/tokens");
        token = fapi(&browser, &app, "POST", &path, &[]).await.1["jwt"]
            .as_str()
            .unwrap()
            .to_string();
    }
    // Same folder, new server.
    let app = start(dir.path()).await;
    assert_eq!(app.instance.secret_key(), secret);
    assert!(secret.starts_with("sk_test_") && secret.len() > 30);
    assert_eq!(app.instance.jwks(), jwks);
    // A token minted before the restart still verifies with the persisted key.
    verify_token(&app, &token).await;

    // The demo user still exists exactly once and its password still works.
    let browser = browser(&app);
    let new_session = sign_in(&browser, &app, DEMO_EMAIL, DEMO_PASSWORD).await;
    assert_ne!(new_session, session_id);
    let (_, count) = {
        let response = reqwest::Client::new()
            .get(format!(
                "{}/v1/users/count",
                app.instance.backend_api_url(&app.base)
            ))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
        (
            response.status(),
            response.json::<serde_json::Value>().await.unwrap(),
        )
    };
    assert_eq!(count["total_count"], 1);
}

#[tokio::test]
async fn a_session_cookie_from_before_a_restart_is_still_signed_in() {
    let dir = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let origin = format!("http://127.0.0.1:{port}");
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .default_headers(
            [(reqwest::header::ORIGIN, origin.parse().unwrap())]
                .into_iter()
                .collect(),
        )
        .build()
        .unwrap();
    let url = |path: &str| format!("{origin}/__clerk{path}");
    let first = serve_at(dir.path(), &origin, port).await;
    let form = [
        ("identifier", DEMO_EMAIL),
        ("password", DEMO_PASSWORD),
        ("strategy", "password"),
    ];
    let response = client
        .post(url("/v1/client/sign_ins"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    first.abort();
    let _ = first.await;

    let second = serve_at(dir.path(), &origin, port).await;
    let body: serde_json::Value = client
        .get(url("/v1/client"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        body["response"]["sessions"][0]["status"], "active",
        "{body}"
    );
    second.abort();
}

/// Serves a fresh instance opened from `dir` on `port`.
async fn serve_at(dir: &std::path::Path, origin: &str, port: u16) -> tokio::task::JoinHandle<()> {
    let instance = DevInstance::open(config(dir, origin)).unwrap();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let app = axum::Router::new().nest("/__clerk", instance.router());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() })
}

#[test]
fn release_builds_are_refused_unless_allowed() {
    assert!(matches!(
        build_guard(false, false),
        Err(DevInstanceError::ReleaseBuild)
    ));
    assert!(build_guard(false, true).is_ok());
    assert!(build_guard(true, false).is_ok());
    let message = build_guard(false, false).unwrap_err().to_string();
    assert!(message.contains("CLERK_SECRET_KEY") && message.contains("allow_in_release"));
    // This test binary is a debug build, so opening works without the opt-in.
    let dir = tempfile::tempdir().unwrap();
    let config = DevInstanceConfig::new(dir.path(), vec!["http://127.0.0.1:3000".into()]);
    assert!(DevInstance::open(config).is_ok());
}

#[test]
fn opening_needs_an_app_origin() {
    let dir = tempfile::tempdir().unwrap();
    let config = DevInstanceConfig::new(dir.path(), vec![]);
    assert!(matches!(
        DevInstance::open(config),
        Err(DevInstanceError::NoAppOrigins)
    ));
}

#[cfg(unix)]
#[test]
fn the_signing_key_is_private_and_the_folder_is_git_ignored() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join(".clerk-dev");
    let instance = DevInstance::open(DevInstanceConfig::new(
        &data,
        vec!["http://127.0.0.1:3000".into()],
    ))
    .unwrap();
    let mode = std::fs::metadata(data.join("signing-key.pem"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(
        std::fs::read_to_string(data.join(".gitignore")).unwrap(),
        "*\n"
    );
    assert!(data.join("instance.sqlite3").exists());
    assert_eq!(instance.publishable_key(), "pk_test_Y2xlcmsubG9jYWxob3N0JA");
    assert_eq!(instance.issuer(), "https://clerk.localhost");
    assert_eq!(
        instance.backend_api_url("http://localhost:3000/"),
        "http://localhost:3000/__clerk/api"
    );
}

#[test]
fn the_publishable_key_decodes_to_clerk_localhost() {
    use base64::Engine;
    let encoded = clerk_dev_instance::PUBLISHABLE_KEY
        .strip_prefix("pk_test_")
        .unwrap();
    let decoded = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(encoded)
        .unwrap();
    assert_eq!(decoded, b"clerk.localhost$");
}
