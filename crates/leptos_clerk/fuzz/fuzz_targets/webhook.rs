//! Fuzzes webhook verification: `<svix-signature header>\n<id>\n<timestamp>\n<body>`.
//! Nothing may panic; no input verifies with a forged signature (the fuzzer cannot forge an
//! HMAC); the genuine signature verifies among up to MAX_SIGNATURES entries of fuzzer junk
//! (or, the same delivery again, is a replay); every refusal is a typed error answered with a
//! 4xx.
#![no_main]

use std::sync::LazyLock;

use axum::http::{HeaderMap, HeaderValue};
use axum::response::IntoResponse;
use leptos_clerk::server::webhooks::{Webhook, WebhookError, WebhookEvent, MAX_SIGNATURES};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY=";
const NOW: i64 = 1_700_000_000;

static WEBHOOK: LazyLock<Webhook> = LazyLock::new(|| Webhook::new(SECRET).unwrap());

fn headers(id: &str, timestamp: &str, signatures: &str) -> Option<HeaderMap> {
    let mut headers = HeaderMap::new();
    headers.insert("svix-id", HeaderValue::from_str(id).ok()?);
    headers.insert("svix-timestamp", HeaderValue::from_str(timestamp).ok()?);
    headers.insert("svix-signature", HeaderValue::from_str(signatures).ok()?);
    Some(headers)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(4, '\n');
    let signatures = parts.next().unwrap_or_default();
    let id = parts.next().unwrap_or("msg_fuzz");
    let timestamp = parts.next().unwrap_or("1700000000");
    let body = parts.next().unwrap_or_default().as_bytes();

    let _ = WebhookEvent::from_json(body);
    if let Some(headers) = headers(id, timestamp, signatures) {
        match WEBHOOK.verify_at(&headers, body, NOW) {
            // A replay is a delivery whose signature matched before: verified as well.
            Ok(_) | Err(WebhookError::Replayed { .. }) => {
                panic!("a fuzzer-made signature verified")
            }
            Err(error) => assert!(error.into_response().status().is_client_error()),
        }
    }

    // The genuine signature among the fuzzer's entries.
    let Ok(stamp) = timestamp.trim().parse::<i64>() else {
        return;
    };
    let genuine = WEBHOOK.sign(id.trim(), stamp, body);
    let junk: Vec<&str> = signatures.split(' ').take(MAX_SIGNATURES - 1).collect();
    let at = data.len() % (junk.len() + 1);
    let mut entries = junk;
    entries.insert(at, &genuine);
    let all = entries.join(" ");
    let Some(headers) = headers(id, timestamp, &all) else {
        return;
    };
    let result = WEBHOOK.verify_at(&headers, body, NOW);
    assert!(
        !matches!(result, Err(WebhookError::NoMatchingSignature)),
        "the genuine signature was not found in {all:?}"
    );
});
