//! The webhook endpoint building blocks mounted in a real axum server on loopback.
#![cfg(feature = "ssr")]

use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use leptos_clerk::server::webhooks::{VerifiedWebhook, Webhook, WebhookError};

const SECRET: &str = "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY=";
const BODY: &str =
    r#"{"type":"user.deleted","object":"event","data":{"deleted":true,"id":"user_1"}}"#;

async fn with_extractor(webhook: VerifiedWebhook) -> String {
    format!("{} {}", webhook.message_id, webhook.event.event_type())
}

async fn with_function(
    State(webhook): State<Webhook>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<String, WebhookError> {
    let verified = webhook.verify(&headers, &body)?;
    Ok(verified.event.event_type().to_owned())
}

async fn serve() -> String {
    let app = Router::new()
        .route("/api/webhooks/clerk", post(with_extractor))
        .route("/api/webhooks/clerk-fn", post(with_function))
        .with_state(Webhook::new(SECRET).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base_url
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn send(url: String, signature: Option<String>, body: &str) -> (StatusCode, String) {
    let timestamp = now();
    let mut request = reqwest::Client::new()
        .post(url)
        .header("svix-id", "msg_axum")
        .header("svix-timestamp", timestamp.to_string())
        .body(body.to_owned());
    let signature = signature.unwrap_or_else(|| {
        Webhook::new(SECRET)
            .unwrap()
            .sign("msg_axum", timestamp, body.as_bytes())
    });
    request = request.header("svix-signature", signature);
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn extractor_accepts_a_signed_event() {
    let base_url = serve().await;
    let (status, text) = send(format!("{base_url}/api/webhooks/clerk"), None, BODY).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(text, "msg_axum user.deleted");
}

#[tokio::test]
async fn extractor_answers_400_with_the_reason_on_a_bad_signature() {
    let base_url = serve().await;
    let forged = Some("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned());
    let (status, text) = send(format!("{base_url}/api/webhooks/clerk"), forged, BODY).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.starts_with("no webhook signature matches"), "{text}");
}

#[tokio::test]
async fn signed_garbage_body_is_a_400_not_a_500() {
    let base_url = serve().await;
    let (status, text) = send(format!("{base_url}/api/webhooks/clerk"), None, "not json").await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        text.starts_with("the webhook body is not a Clerk event"),
        "{text}"
    );
}

#[tokio::test]
async fn webhook_verify_works_inside_a_handler() {
    let base_url = serve().await;
    let url = format!("{base_url}/api/webhooks/clerk-fn");
    let (status, text) = send(url.clone(), None, BODY).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, "user.deleted"));

    let response = reqwest::Client::new()
        .post(url)
        .body(BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let text = response.text().await.unwrap();
    assert_eq!(
        text,
        "missing required webhook headers: svix-id, svix-timestamp, svix-signature"
    );
}

#[tokio::test]
async fn the_extractor_answers_413_above_the_body_limit() {
    let base_url = serve().await;
    let url = format!("{base_url}/api/webhooks/clerk");
    // Signed, so only the size can refuse it.
    let oversized = " ".repeat(leptos_clerk::server::webhooks::MAX_BODY_BYTES + 1);
    let (status, text) = send(url.clone(), None, &oversized).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");

    // At the limit, the size passes and the signature is checked.
    let at_limit = format!(
        "{BODY}{}",
        " ".repeat(leptos_clerk::server::webhooks::MAX_BODY_BYTES - BODY.len())
    );
    let (status, text) = send(url, None, &at_limit).await;
    assert_eq!(
        (status, text.as_str()),
        (StatusCode::OK, "msg_axum user.deleted")
    );
}
