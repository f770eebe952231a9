//! Fuzzes token and cookie-header parsing: the cookie jar, Clerk's cookie
//! selection, unverified decoding, full verification (networkless PEM key) and
//! a whole `authenticate_request` pass. Nothing may panic and no input may
//! ever verify (the fuzzer cannot forge an RSA signature).
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::LazyLock;

use common::RUNTIME;
use leptos_clerk::server::fuzzing::{ClerkCookies, CookieJar};
use leptos_clerk::server::InstanceType;
use leptos_clerk::server::fuzzing::peek_claims;
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
