//! Fuzzes token and cookie-header parsing: the cookie jar, Clerk's cookie
//! selection, unverified decoding, full verification (networkless PEM key),
//! a whole `authenticate_request` pass, and the token's payload (or the whole
//! input) read as verified session claims with every `has()` check (malformed
//! `pla`/`fea`/`o`). Nothing may panic and no input may ever verify (the fuzzer
//! cannot forge an RSA signature).
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::LazyLock;

use common::RUNTIME;
use leptos_clerk::server::fuzzing::{ClerkCookies, CookieJar};
use leptos_clerk::server::InstanceType;
use leptos_clerk::server::fuzzing::{peek_claims, session_claims_checks};
use leptos_clerk::server::{AuthStatus, Clerk};
use libfuzzer_sys::fuzz_target;

static CLERK: LazyLock<Clerk> =
    LazyLock::new(|| common::clerk("pk_live_Y2xlcmsubG9jYWxob3N0JA", "sk_live_fuzz"));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (cookie_header, token) = text.split_once('\n').unwrap_or((&text, &text));

    let jar = CookieJar::parse(cookie_header);
    for instance in [InstanceType::Development, InstanceType::Production] {
        let _ = ClerkCookies::read(&jar, "abcdefgh", "clerk.localhost", instance, 1_700_000_000);
    }
    let _ = peek_claims(token);
    // The claims as if verified: the payload part of the token, else the whole token as JSON.
    let payload = token
        .split('.')
        .nth(1)
        .and_then(|part| base64_url(part))
        .unwrap_or_else(|| token.as_bytes().to_vec());
    session_claims_checks(&payload, cookie_header);
    assert!(RUNTIME.block_on(CLERK.verify_token(token)).is_err());

    let mut request = http::Request::get("/").header("host", "localhost:3000");
    if http::HeaderValue::from_str(cookie_header).is_ok() {
        request = request.header("cookie", cookie_header);
    }
    let use_header = data.first().is_some_and(|b| b & 1 == 1);
    if use_header && http::HeaderValue::from_str(token).is_ok() {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let (parts, ()) = request.body(()).unwrap().into_parts();
    let state = RUNTIME.block_on(CLERK.authenticate_request(&parts));
    assert_ne!(state.status, AuthStatus::SignedIn);
});

/// Base64url without padding, decoded by hand (the fuzz crate has no base64 dependency).
fn base64_url(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text.bytes() {
        buffer = buffer << 6 | u32::from(value(c)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}
