//! Session-token verification through a real axum router: valid tokens sign in,
//! every attack signs out (or hands a page load to the handshake), never a 5xx.
#![cfg(feature = "ssr")]

mod auth_support;

use auth_support::*;
use axum::http::StatusCode;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use leptos_clerk::server::Clerk;
use serde_json::{json, Value};

fn part(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// Every attack, with the reason a Bearer request that is not a page load must
/// report (clock problems carry Clerk's handshake reasons, as in `@clerk/backend`).
fn attacks() -> Vec<(&'static str, String, &'static str)> {
    let now = now();
    let good = sign(&claims());
    let parts: Vec<&str> = good.split('.').collect();
    let mut forged = claims();
    forged["sub"] = json!("user_admin");
    let tampered_payload = format!("{}.{}.{}", parts[0], part(&forged), parts[2]);
    let mut sig = parts[2].to_owned();
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    sig.replace_range(0..1, flipped);
    let tampered_signature = format!("{}.{}.{sig}", parts[0], parts[1]);
    let alg_none = format!(
        "{}.{}.",
        part(&json!({"alg": "none", "typ": "JWT"})),
        part(&claims())
    );
    let mut hs_header = Header::new(Algorithm::HS256);
    hs_header.kid = Some("test-key-a".into());
    let hs256 = jsonwebtoken::encode(
        &hs_header,
        &claims(),
        &EncodingKey::from_secret(PUBLIC_A.as_bytes()),
    )
    .unwrap();
    vec![
        (
            "expired",
            sign(&claims_with(
                json!({"exp": now - 30, "iat": now - 90, "nbf": now - 95}),
            )),
            "session-token-expired",
        ),
        (
            "nbf in the future",
            sign(&claims_with(json!({"nbf": now + 60}))),
            "session-token-nbf",
        ),
        (
            "iat in the future",
            sign(&claims_with(json!({"iat": now + 60}))),
            "session-token-iat-in-the-future",
        ),
        (
            "wrong iss",
            sign(&claims_with(json!({"iss": "https://evil.example.com"}))),
            "token-invalid-issuer",
        ),
        (
            "wrong azp",
            sign(&claims_with(json!({"azp": "https://evil.example.com"}))),
            "token-invalid-authorized-parties",
        ),
        ("alg none", alg_none, "token-invalid-algorithm"),
        (
            "HS256 with the public key",
            hs256,
            "token-invalid-algorithm",
        ),
        (
            "unknown kid",
            sign_with(&claims(), PRIVATE_B, "test-key-zzz", Algorithm::RS256),
            "jwk-kid-mismatch",
        ),
        (
            "other key, known kid",
            sign_with(&claims(), PRIVATE_B, "test-key-a", Algorithm::RS256),
            "token-invalid-signature",
        ),
        (
            "tampered payload",
            tampered_payload,
            "token-invalid-signature",
        ),
        (
            "tampered signature",
            tampered_signature,
            "token-invalid-signature",
        ),
        (
            "malformed base64",
            "eyJhbGciOiJSUzI1NiJ9.$$$.***".into(),
            "token-invalid",
        ),
        ("not a JWT", "hello".into(), "token-invalid"),
        (
            "no sub",
            sign(&claims_with(json!({"sub": null}))),
            "token-invalid",
        ),
        (
            "no exp",
            sign(&claims_with(json!({"exp": null}))),
            "token-invalid",
        ),
        (
            "20 KiB token",
            sign(&claims_with(json!({"pad": "x".repeat(20 * 1024)}))),
            "token-invalid",
        ),
    ]
}

#[tokio::test]
async fn valid_tokens_sign_in_via_cookie_and_bearer() {
    let (api, _bapi) = start_bapi().await;
    let clerk = Clerk::new(config(&api)).unwrap();
    let app = app(&clerk);
    for alg in [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512] {
        let token = sign_with(&claims(), PRIVATE_A, "test-key-a", alg);
        for carrier in [Carrier::Cookie, Carrier::Bearer] {
            for document in [false, true] {
                let answer = send(&app, request("/", &token, carrier, document)).await;
                assert_eq!(answer.status, StatusCode::OK, "{alg:?} {carrier:?}");
                assert!(
                    answer.signed_in(),
                    "{alg:?} {carrier:?} {:?}",
                    answer.reason()
                );
                assert_eq!(answer.body["user_id"], "user_123");
                assert_eq!(answer.body["token"], token.as_str());
                assert_eq!(answer.header("x-clerk-auth-status"), Some("signed-in"));
            }
            let me = send(&app, request("/api/me", &token, carrier, false)).await;
            assert_eq!(me.status, StatusCode::OK);
        }
    }
    assert!(clerk.cached_token_count() > 0, "verified tokens are cached");
}

#[tokio::test]
async fn every_attack_is_signed_out_never_signed_in_never_5xx() {
    let (api, _bapi) = start_bapi().await;
    let clerk = Clerk::new(config(&api)).unwrap();
    let app = app(&clerk);
    for (name, token, reason) in attacks() {
        for carrier in [Carrier::Cookie, Carrier::Bearer] {
            let fetch = send(&app, request("/", &token, carrier, false)).await;
            assert_eq!(fetch.status, StatusCode::OK, "{name} {carrier:?}");
            assert!(!fetch.signed_in(), "{name} {carrier:?} signed in!");
            assert_eq!(
                fetch.header("x-clerk-auth-status"),
                Some("signed-out"),
                "{name}"
            );
            if matches!(carrier, Carrier::Bearer) {
                assert_eq!(fetch.reason(), Some(reason), "{name}");
            }
            let api_call = send(&app, request("/api/me", &token, carrier, false)).await;
            assert_eq!(
                api_call.status,
                StatusCode::UNAUTHORIZED,
                "{name} {carrier:?}"
            );
            assert_eq!(api_call.body["error"], "unauthenticated");

            let page = send(&app, request("/", &token, carrier, true)).await;
            assert!(!page.status.is_server_error(), "{name} {carrier:?}");
            assert!(!page.signed_in(), "{name} {carrier:?} signed in!");
            match page.status {
                StatusCode::OK => {
                    assert_eq!(page.header("x-clerk-auth-status"), Some("signed-out"))
                }
                StatusCode::TEMPORARY_REDIRECT => {
                    assert_eq!(
                        page.header("x-clerk-auth-status"),
                        Some("handshake"),
                        "{name}"
                    );
                    let location = page.header("location").unwrap();
                    assert!(
                        location.starts_with("http://localhost:3000/__clerk/v1/client/handshake?")
                    );
                }
                other => panic!("{name} {carrier:?}: unexpected {other}"),
            }
        }
    }
}

#[tokio::test]
async fn clock_problems_handshake_page_loads_only() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&Clerk::new(config(&api)).unwrap());
    let now = now();
    let cases = [
        (
            json!({"exp": now - 30, "iat": now - 90, "nbf": now - 95}),
            "session-token-expired",
        ),
        (json!({"nbf": now + 60}), "session-token-nbf"),
        (json!({"iat": now + 60}), "session-token-iat-in-the-future"),
    ];
    for (changes, reason) in cases {
        let token = sign(&claims_with(changes));
        let page = send(&app, request("/", &token, Carrier::Cookie, true)).await;
        assert_eq!(page.status, StatusCode::TEMPORARY_REDIRECT, "{reason}");
        assert_eq!(page.reason(), Some(reason));
        assert_eq!(page.header("cache-control"), Some("no-store"));
    }
}

#[tokio::test]
async fn skew_is_explicit_and_small() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&Clerk::new(config(&api)).unwrap());
    let now = now();
    // 3 s past exp: inside the 5 s skew. 30 s past: outside (jsonwebtoken's default would be 60 s).
    let inside = sign(&claims_with(
        json!({"exp": now - 3, "iat": now - 60, "nbf": now - 70}),
    ));
    let outside = sign(&claims_with(
        json!({"exp": now - 30, "iat": now - 90, "nbf": now - 100}),
    ));
    assert!(send(&app, request("/", &inside, Carrier::Bearer, false))
        .await
        .signed_in());
    let answer = send(&app, request("/", &outside, Carrier::Bearer, false)).await;
    assert_eq!(answer.reason(), Some("session-token-expired"));
    let iat_soon = sign(&claims_with(json!({"iat": now + 30})));
    let answer = send(&app, request("/", &iat_soon, Carrier::Bearer, false)).await;
    assert_eq!(answer.reason(), Some("session-token-iat-in-the-future"));
}

#[tokio::test]
async fn v1_and_v2_claims_and_has_through_the_layer() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&Clerk::new(config(&api)).unwrap());
    let v1 = sign(&claims_with(json!({
        "org_id": "org_1", "org_role": "org:admin", "org_slug": "acme",
        "org_permissions": ["org:reports:read"]
    })));
    let v2 = sign(&claims_with(json!({
        "v": 2, "fea": "o:reports,u:beta", "pla": "u:pro",
        "o": {"id": "org_1", "slg": "acme", "rol": "admin", "per": "read,manage", "fpm": "1"}
    })));
    for token in [v1, v2] {
        let answer = send(&app, request("/", &token, Carrier::Bearer, false)).await;
        assert!(answer.signed_in());
        assert_eq!(answer.body["org_id"], "org_1");
        assert_eq!(answer.body["org_role"], "org:admin");
        assert_eq!(answer.body["org_permissions"], json!(["org:reports:read"]));
        assert_eq!(answer.body["admin"], true);
        assert_eq!(answer.body["reports_read"], true);
    }
    let pending = sign(&claims_with(json!({"sts": "pending"})));
    let answer = send(&app, request("/", &pending, Carrier::Bearer, false)).await;
    assert!(!answer.signed_in(), "pending sessions count as signed out");
}

#[tokio::test]
async fn networkless_pem_key_verifies_any_kid_without_the_api() {
    let mut config = config("http://127.0.0.1:9");
    config.jwt_key = Some(PUBLIC_A.into());
    let app = app(&Clerk::new(config).unwrap());
    let token = sign_with(&claims(), PRIVATE_A, "whatever-kid", Algorithm::RS256);
    assert!(send(&app, request("/", &token, Carrier::Bearer, false))
        .await
        .signed_in());
    let other = sign_with(&claims(), PRIVATE_B, "whatever-kid", Algorithm::RS256);
    let answer = send(&app, request("/", &other, Carrier::Bearer, false)).await;
    assert_eq!(answer.reason(), Some("token-invalid-signature"));
}
