//! The handshake redirect and the BAPI handshake payload.

mod common;

use common::*;
use reqwest::header::LOCATION;

/// Starts a handshake for `redirect_url`; returns the status and the Location header.
async fn handshake(client: &reqwest::Client, app: &TestApp, redirect_url: &str) -> (u16, String) {
    let response = client
        .get(format!("{}/__clerk/v1/client/handshake", app.base))
        .query(&[
            ("redirect_url", redirect_url),
            ("format", "nonce"),
            ("suffixed_cookies", "false"),
            ("__clerk_hs_reason", "client-uat-but-no-session-token"),
            ("__clerk_api_version", "2025-11-10"),
        ])
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get(LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    if response.status().as_u16() == 307 {
        assert_eq!(response.headers()["cache-control"], "no-store");
    }
    (response.status().as_u16(), location)
}

fn query_param(url: &str, name: &str) -> String {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    pairs
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

#[tokio::test]
async fn handshake_for_a_signed_in_client_yields_a_fresh_session_token_once() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);
    let session_id = sign_in(&browser, &app, DEMO_EMAIL, DEMO_PASSWORD).await;

    let target = format!("{}/dashboard?tab=1#top", app.base);
    let (status, location) = handshake(&browser, &app, &target).await;
    assert_eq!(status, 307);
    assert!(
        location.starts_with(&format!("{}/dashboard?tab=1&", app.base)),
        "{location}"
    );
    assert!(location.ends_with("#top"), "{location}");
    let nonce = query_param(location.trim_end_matches("#top"), "__clerk_handshake_nonce");
    let db_jwt = query_param(location.trim_end_matches("#top"), "__clerk_db_jwt");
    assert!(
        nonce.len() >= 32 && db_jwt.starts_with("dvb_"),
        "{location}"
    );

    let (status, body) = handshake_payload(&app, &nonce).await;
    assert_eq!(status, 200, "{body}");
    let directives: Vec<&str> = body["directives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    let session = directives
        .iter()
        .find(|d| d.starts_with("__session="))
        .unwrap();
    assert!(session.ends_with("; Path=/; SameSite=Lax"), "{session}");
    let token = session
        .trim_start_matches("__session=")
        .split(';')
        .next()
        .unwrap();
    let claims = verify_token(&app, token).await;
    assert_eq!(claims["sid"], session_id.as_str());
    assert_eq!(claims["azp"], app.base.as_str());
    let uat = directives
        .iter()
        .find(|d| d.starts_with("__client_uat="))
        .unwrap();
    let uat: i64 = uat
        .trim_start_matches("__client_uat=")
        .split(';')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(uat > 0 && uat <= claims["iat"].as_i64().unwrap());
    assert!(directives
        .iter()
        .any(|d| d.starts_with(&format!("__clerk_db_jwt={db_jwt};"))));
    assert!(directives
        .iter()
        .all(|d| d.contains("Path=/") && d.contains("SameSite=Lax")));

    // Single use.
    let (status, body) = handshake_payload(&app, &nonce).await;
    assert_eq!((status, error_code(&body)), (404, "resource_not_found"));
}

#[tokio::test]
async fn handshake_for_a_signed_out_client_clears_the_session_cookie() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);
    let (status, location) = handshake(&browser, &app, &format!("{}/", app.base)).await;
    assert_eq!(status, 307);
    let nonce = query_param(&location, "__clerk_handshake_nonce");
    let (_, body) = handshake_payload(&app, &nonce).await;
    let directives = body["directives"].as_array().unwrap();
    let session = directives
        .iter()
        .find_map(|d| d.as_str().filter(|d| d.starts_with("__session=")))
        .unwrap();
    assert!(
        session.starts_with("__session=;") && session.contains("Max-Age=0"),
        "{session}"
    );
    assert!(directives
        .iter()
        .any(|d| d.as_str().unwrap().starts_with("__client_uat=0;")));
}

#[tokio::test]
async fn handshake_refuses_redirects_off_the_app_origins() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let browser = browser(&app);
    let port = app.base.rsplit(':').next().unwrap().to_string();
    for evil in [
        "https://evil.example/".to_string(),
        "//evil.example/".to_string(),
        format!("{}@evil.example/", app.base),
        format!("{}.evil.example/", app.base),
        format!("http://localhost:{port}/"),
        format!("{}\\@evil.example/", app.base),
        format!("{}%2F@evil.example/", app.base),
        format!("{}\t@evil.example/", app.base),
        format!("{}\n.evil.example/", app.base),
        format!("{}:1@evil.example/", app.base),
        "/\\evil.example/".to_string(),
        "javascript:alert(1)".to_string(),
        String::new(),
    ] {
        let (status, location) = handshake(&browser, &app, &evil).await;
        assert_eq!(
            (status, location.as_str()),
            (400, ""),
            "redirect to {evil:?} must be refused"
        );
    }
}

#[tokio::test]
async fn handshake_payload_needs_the_secret_key_and_a_known_nonce() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(dir.path()).await;
    let (status, body) = handshake_payload(&app, "made-up-nonce").await;
    assert_eq!((status, error_code(&body)), (404, "resource_not_found"));
    let response = reqwest::get(format!(
        "{}/__clerk/api/v1/clients/handshake_payload?nonce=x",
        app.base
    ))
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 401);
}
