//! Fuzzes the handshake: the `GET /v1/clients/handshake_payload` body (nonce flow) and the
//! payload of a legacy `__clerk_handshake` token, turned into `Set-Cookie` directives; the raw
//! input as a handshake token (it never verifies) and as a whole `authenticate_request` pass
//! with `?__clerk_handshake=` (it never signs in). Nothing may panic.
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::LazyLock;

use common::RUNTIME;
use http::HeaderMap;
use leptos_clerk::server::fuzzing::handshake_payload_directives;
use leptos_clerk::server::fuzzing::{apply_directives, token_directives};
use leptos_clerk::server::{AuthStatus, Clerk};
use libfuzzer_sys::fuzz_target;

static CLERK: LazyLock<Clerk> =
    LazyLock::new(|| common::clerk("pk_test_Y2xlcmsubG9jYWxob3N0JA", "sk_test_fuzz"));

/// Applies the directives; the session value found must come from one of them.
fn apply(directives: &[String]) {
    let mut headers = HeaderMap::new();
    if let Some(session) = apply_directives(directives, &mut headers) {
        assert!(directives.iter().any(|d| d.contains(&session)));
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(directives) = handshake_payload_directives(data) {
        apply(&directives);
    }
    if let Ok(payload) = serde_json::from_slice::<serde_json::Value>(data) {
        if let Some(directives) = token_directives(&payload) {
            apply(&directives);
        }
    }
    let text = String::from_utf8_lossy(data);
    assert!(RUNTIME
        .block_on(CLERK.verifier().verify_handshake(&text))
        .is_err());

    let query: String = url::form_urlencoded::byte_serialize(data).collect();
    let request = http::Request::get(format!("/?__clerk_handshake={query}"))
        .header("host", "localhost:3000")
        .header("accept", "text/html")
        .header("sec-fetch-dest", "document")
        .body(())
        .unwrap();
    let (parts, ()) = request.into_parts();
    let state = RUNTIME.block_on(CLERK.authenticate_request(&parts));
    assert_ne!(state.status, AuthStatus::SignedIn);
});
