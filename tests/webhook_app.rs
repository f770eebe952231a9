//! `POST /api/webhooks/clerk` through the whole app router (Clerk layer, local dev instance)
//! on 127.0.0.1:0: a signed event is accepted, its replay ignored (200, handler not run); a body
//! above the webhook body limit is a 413 before any signature work.
// The app's dev instance: debug builds only (build.rs).
#![cfg(dev_instance)]

mod app_support;

use app_support::start;
use leptos_clerk::server::webhooks::{Webhook, MAX_BODY_BYTES};
use reqwest::StatusCode;

const SECRET: &str = "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY=";
const BODY: &str =
    r#"{"type":"user.deleted","object":"event","data":{"deleted":true,"id":"user_1"}}"#;

/// The app with `CLERK_WEBHOOK_SIGNING_SECRET` set; returns the webhook URL.
async fn start_with_webhooks(data_dir: &std::path::Path) -> String {
    // The only test in this binary, so setting the process environment is safe.
    std::env::set_var("CLERK_WEBHOOK_SIGNING_SECRET", SECRET);
    format!("{}/api/webhooks/clerk", start(data_dir).await.base)
}

async fn post(url: &str, body: String) -> (StatusCode, String) {
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    post_at(url, body, timestamp).await
}

/// Posts `body` as delivery `msg_app` signed at `timestamp`.
async fn post_at(url: &str, body: String, timestamp: i64) -> (StatusCode, String) {
    let signature = Webhook::new(SECRET)
        .unwrap()
        .sign("msg_app", timestamp, body.as_bytes());
    let response = reqwest::Client::new()
        .post(url)
        .header("svix-id", "msg_app")
        .header("svix-timestamp", timestamp.to_string())
        .header("svix-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn the_webhook_route_accepts_signed_events_and_refuses_oversized_bodies_with_413() {
    let dir = tempfile::tempdir().unwrap();
    let url = start_with_webhooks(dir.path()).await;

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let (status, text) = post_at(&url, BODY.to_owned(), now).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains(r#"{"received":"msg_app"}"#), "{text}");
    // The same request again (a captured delivery replayed): 200 for Svix, handler not run.
    let (status, text) = post_at(&url, BODY.to_owned(), now).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains("received already; ignored"), "{text}");
    // Svix's retry, signed at its own time, is processed.
    let (status, text) = post_at(&url, BODY.to_owned(), now - 1).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains(r#"{"received":"msg_app"}"#), "{text}");

    // Signed correctly: only the size can refuse it (axum's default limit is 2 MB).
    let (status, text) = post(&url, " ".repeat(MAX_BODY_BYTES + 1)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");

    // The route's limit refuses it before the handler runs: even without any svix header
    // (which the handler would answer with a 400).
    let response = reqwest::Client::new()
        .post(&url)
        .body(vec![b'x'; MAX_BODY_BYTES + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let response = reqwest::Client::new()
        .post(&url)
        .body(BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "small and unsigned"
    );
}
