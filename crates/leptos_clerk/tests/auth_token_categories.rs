//! Only session tokens open a session. Clerk signs machine (M2M) tokens, OAuth access tokens,
//! JWT-template tokens and OAuth ID tokens with the same instance key and issuer as session
//! tokens; each rule below keeps one of them out, by cookie and by `Authorization: Bearer`, on a
//! page load, a `fetch()` and a JSON route. Each case names the `@clerk/backend` 3.25 function
//! it mirrors, or says where we are stricter. A refused token signs the request out with
//! `token-type-mismatch` (no handshake, never a 5xx) and never enters the verified-token cache.
#![cfg(feature = "ssr")]

mod auth_support;

use auth_support::*;
use axum::http::StatusCode;
use leptos_clerk::server::{Clerk, ClerkConfig};
use serde_json::{json, Value};

const SESSION: &str = "cl_B7d4PD111AAA";
const TEMPLATE: &str = "cl_B7d4PD222AAA";
const M2M: &str = "cl_B7d4PD333AAA";
const IGNORE: &str = "cl_I7d4PD111III";

/// A header field with this value is left out (JSON `null` is a value).
const ABSENT: &str = "(absent)";

fn header(fields: Value) -> Value {
    let mut header = json!({"alg": "RS256", "typ": "JWT", "kid": "test-key-a"});
    for (name, value) in fields.as_object().unwrap() {
        if value == ABSENT {
            header.as_object_mut().unwrap().remove(name);
        } else {
            header[name] = value.clone();
        }
    }
    header
}

/// A rule-table row: the case, the token, and the 3.25 function it mirrors.
struct Case {
    name: &'static str,
    token: String,
    mirrors: &'static str,
}

fn case(name: &'static str, header_fields: Value, changes: Value, mirrors: &'static str) -> Case {
    Case {
        name,
        token: sign_raw(&header(header_fields), &claims_with(changes)),
        mirrors,
    }
}

/// Signed, valid JWTs of this instance that are not session tokens.
fn refused() -> Vec<Case> {
    let older = now() - 500;
    vec![
        case(
            "M2M category",
            json!({"cat": M2M}),
            json!({}),
            "authenticateRequest: hasNonSessionJwtCategory; verifyToken",
        ),
        case(
            "JWT-template category",
            json!({"cat": TEMPLATE}),
            json!({}),
            "authenticateRequest: hasNonSessionJwtCategory",
        ),
        case(
            "unknown category",
            json!({"cat": "cl_Z9z9ZZ999ZZZ"}),
            json!({}),
            "authenticateRequest: hasNonSessionJwtCategory",
        ),
        case(
            "category of the wrong JSON type",
            json!({"cat": 111}),
            json!({}),
            "authenticateRequest: isNonSessionJwtCategory (any cat but the two strings)",
        ),
        case(
            "null category",
            json!({"cat": Value::Null}),
            json!({}),
            "authenticateRequest: isNonSessionJwtCategory (null is not undefined)",
        ),
        case(
            "machine subject, session category",
            json!({"cat": SESSION}),
            json!({"sub": "mch_2x9ABC"}),
            "authenticateRequest: isMachineJwt (isM2MJwt)",
        ),
        case(
            "machine subject, no category",
            json!({}),
            json!({"sub": "mch_2x9ABC"}),
            "authenticateRequest: isMachineJwt (isM2MJwt)",
        ),
        case(
            "OAuth access token (typ at+jwt)",
            json!({"typ": "at+jwt", "cat": SESSION}),
            json!({}),
            "authenticateRequest: isMachineJwt (isOAuthJwt)",
        ),
        case(
            "OAuth access token (typ application/at+jwt)",
            json!({"typ": "application/at+jwt"}),
            json!({}),
            "authenticateRequest: isMachineJwt (isOAuthJwt)",
        ),
        case(
            "ID token (aud + nonce, no sid, no azp)",
            json!({}),
            json!({"aud": "oauth_client_1", "nonce": "n-1", "sid": null, "azp": null}),
            "stricter than 3.25",
        ),
        case(
            "no sid",
            json!({}),
            json!({"sid": null}),
            "stricter than 3.25",
        ),
        case(
            "sid of the wrong JSON type",
            json!({}),
            json!({"sid": 5}),
            "stricter than 3.25",
        ),
        case(
            "aud",
            json!({}),
            json!({"aud": ["https://api.example.com"]}),
            "stricter than 3.25",
        ),
        case(
            "nonce",
            json!({}),
            json!({"nonce": "n-1"}),
            "stricter than 3.25",
        ),
        case(
            "M2M category minted before __client_uat",
            json!({"cat": M2M}),
            json!({"iat": older, "nbf": older}),
            "authenticateRequest: the category check comes before iat < __client_uat",
        ),
    ]
}

/// Session tokens, with each category a session token may carry.
fn accepted() -> Vec<Case> {
    vec![
        case(
            "no category (minted before categories)",
            json!({}),
            json!({}),
            "isNonSessionJwtCategory(undefined) = false",
        ),
        case(
            "session category",
            json!({"cat": SESSION}),
            json!({}),
            "isNonSessionJwtCategory",
        ),
        case(
            "ignore category",
            json!({"cat": IGNORE}),
            json!({}),
            "isNonSessionJwtCategory",
        ),
        case(
            "no typ",
            json!({"typ": ABSENT, "cat": SESSION}),
            json!({}),
            "verifyJwt: assertHeaderType (typ optional)",
        ),
    ]
}

fn clerk(api: &str) -> Clerk {
    Clerk::new(config(api)).unwrap()
}

#[tokio::test]
async fn only_session_tokens_sign_in_by_cookie_and_bearer() {
    let (api, _bapi) = start_bapi().await;
    let clerk = clerk(&api);
    let app = app(&clerk);
    for Case {
        name,
        token,
        mirrors,
    } in accepted()
    {
        for carrier in [Carrier::Cookie, Carrier::Bearer] {
            for document in [false, true] {
                let answer = send(&app, request("/", &token, carrier, document)).await;
                assert!(
                    answer.signed_in(),
                    "{name} ({mirrors}) {carrier:?} document={document}: {:?}",
                    answer.reason()
                );
            }
            let me = send(&app, request("/api/me", &token, carrier, false)).await;
            assert_eq!(me.status, StatusCode::OK, "{name} {carrier:?}");
        }
    }
}

#[tokio::test]
async fn other_instance_jwts_are_signed_out_as_a_type_mismatch() {
    let (api, _bapi) = start_bapi().await;
    let clerk = clerk(&api);
    let app = app(&clerk);
    for Case {
        name,
        token,
        mirrors,
    } in refused()
    {
        let what = format!("{name} ({mirrors})");
        for carrier in [Carrier::Cookie, Carrier::Bearer] {
            for document in [false, true] {
                let answer = send(&app, request("/", &token, carrier, document)).await;
                assert_eq!(
                    answer.status,
                    StatusCode::OK,
                    "{what} {carrier:?} document={document}: no handshake"
                );
                assert!(!answer.signed_in(), "{what} {carrier:?} signed in!");
                assert_eq!(
                    answer.header("x-clerk-auth-status"),
                    Some("signed-out"),
                    "{what} {carrier:?}"
                );
                assert_eq!(
                    answer.reason(),
                    Some("token-type-mismatch"),
                    "{what} {carrier:?} document={document}"
                );
            }
            let me = send(&app, request("/api/me", &token, carrier, false)).await;
            assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{what} {carrier:?}");
        }
    }
    assert!(
        clerk.cached_token_count() == 0,
        "a refused token never occupies the verified-token cache"
    );
}

#[tokio::test]
async fn verify_token_refuses_other_jwts_by_variant() {
    let (api, _bapi) = start_bapi().await;
    let clerk = clerk(&api);
    for Case { name, token, .. } in refused() {
        let error = clerk.verify_token(&token).await.unwrap_err();
        assert_eq!(
            error.reason,
            leptos_clerk::server::TokenVerificationErrorReason::TokenTypeMismatch,
            "{name}: {}",
            error.message
        );
    }
    for Case { name, token, .. } in accepted() {
        assert!(clerk.verify_token(&token).await.is_ok(), "{name}");
    }
    assert_eq!(clerk.cached_token_count(), accepted().len());
}

#[tokio::test]
async fn session_status_active_signs_in_pending_signs_out() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&clerk(&api));
    for (sts, signed_in) in [("active", true), ("pending", false)] {
        let token = sign_raw(
            &header(json!({"cat": SESSION})),
            &claims_with(json!({"sts": sts})),
        );
        for carrier in [Carrier::Cookie, Carrier::Bearer] {
            let answer = send(&app, request("/", &token, carrier, false)).await;
            assert_eq!(answer.signed_in(), signed_in, "sts {sts} {carrier:?}");
            let me = send(&app, request("/api/me", &token, carrier, false)).await;
            let expected = if signed_in {
                StatusCode::OK
            } else {
                StatusCode::UNAUTHORIZED
            };
            assert_eq!(me.status, expected, "sts {sts} {carrier:?}");
        }
    }
}

fn nonce_directives(token: &str) -> Vec<String> {
    vec![
        format!("__session={token}; Path=/; SameSite=Lax"),
        format!("__client_uat={}; Path=/; SameSite=Lax", now()),
    ]
}

#[tokio::test]
async fn a_handshake_that_hands_over_a_machine_token_signs_out() {
    let (api, bapi) = start_bapi().await;
    let mut production: ClerkConfig = production_config(&api);
    production.authorized_parties = vec![ORIGIN.into()];
    let clerk = Clerk::new(production).unwrap();
    let app = app(&clerk);
    let m2m = sign_raw(&header(json!({"cat": M2M})), &claims());
    let session = sign_raw(&header(json!({"cat": SESSION})), &claims());
    for (nonce, token) in [("nonce-m2m", &m2m), ("nonce-session", &session)] {
        bapi.directives
            .lock()
            .unwrap()
            .insert(nonce.into(), nonce_directives(token));
    }

    // verifyHandshakePayload → verifyToken: the session token of the directives is checked too.
    let answer = send(&app, page("/?__clerk_handshake_nonce=nonce-m2m", None)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(!answer.signed_in());
    assert_eq!(answer.reason(), Some("token-type-mismatch"));
    let answer = send(&app, page("/?__clerk_handshake_nonce=nonce-session", None)).await;
    assert!(answer.signed_in(), "control: {:?}", answer.reason());

    // verifyHandshakeJwt: a legacy handshake token of another category sets no cookie.
    let payload = json!({"handshake": nonce_directives(&session)});
    for (cat, sets_cookies) in [
        (M2M, false),
        (TEMPLATE, false),
        (SESSION, true),
        (ABSENT, true),
    ] {
        let handshake = sign_raw(&header(json!({"cat": cat})), &payload);
        let answer = send(
            &app,
            page(&format!("/?__clerk_handshake={handshake}"), None),
        )
        .await;
        assert_eq!(
            !answer.set_cookies().is_empty(),
            sets_cookies,
            "legacy handshake token with cat {cat}"
        );
        assert_eq!(answer.signed_in(), sets_cookies, "cat {cat}");
    }
    assert_eq!(clerk.cached_token_count(), 1, "only the session token");
}
