//! Fuzzes the handshake: the `GET /v1/clients/handshake_payload` body (nonce flow) and the
//! payload of a legacy `__clerk_handshake` token, turned into `Set-Cookie` directives; the raw
//! input as a handshake token (it never verifies) and as a whole `authenticate_request` pass
//! with `?__clerk_handshake=` (it never signs in). Nothing may panic.
#![no_main]

use std::sync::LazyLock;

use http::HeaderMap;
use leptos_clerk::server::fuzzing::handshake_payload_directives;
use leptos_clerk::server::handshake::{apply_directives, token_directives};
use leptos_clerk::server::{AuthStatus, Clerk, ClerkConfig};
use libfuzzer_sys::fuzz_target;

const PUBLIC_KEY: &str = include_str!("../../tests/fixtures/test_only_rsa_a_public.pem");

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
});

static CLERK: LazyLock<Clerk> = LazyLock::new(|| {
    let mut config = ClerkConfig::new("pk_test_Y2xlcmsubG9jYWxob3N0JA", "sk_test_fuzz");
    config.jwt_key = Some(PUBLIC_KEY.into());
    // A closed loopback port: handshake-payload calls fail fast.
    config.api_url = "http://127.0.0.1:9".into();
    Clerk::new(config).unwrap()
});

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
