//! JWKS, handshake payload and session tokens against the stand-in Backend API.
#![cfg(feature = "ssr")]

mod backend_api_support;

use axum::http::Method;
use backend_api_support::{Recorded, Reply, StandIn};
use jsonwebtoken::jwk::AlgorithmParameters;
use leptos_clerk::server::{Auth, SessionClaims};
use serde_json::json;
use std::sync::Arc;

const MODULUS: &str = "m70uj93Qw9cVZK_00keeaHSQrBQnT85ULU2FfBACfVNRw0EY3OKuAFGimB67bYevUarJY6hF3_wQsnM6uLwuViUTDhq6qCWsMfTirl6mQbCfX_rghG1RDdJ31xoeD-ChHT5e2TvClonBaymPor8CvmZM-ZVhbYm7R0MwDrHGBbMUgYfzRcnTaALOGqdxJIyx4EeyC8mmDKZzHHomYXauHUovBTVX8bQiXyVfjzVTxcLRNSkU7CIoI0WEPRDaSurHNMlwvg1RhAiRgKtqumoHknZ9_nUYSGpZeRdK2g3OwSOThWWvGUh9mkhyGQDtle2YsNoxBcEUHxFiz6DnP11HaQ";

fn clerk(request: &Recorded, _: usize) -> Reply {
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/v1/jwks") => Reply::json(
            200,
            json!({ "keys": [{
                "use": "sig", "kty": "RSA", "kid": "ins_2lWTkJfQKx0b0g8tq3Hxzz5bEWn",
                "alg": "RS256", "n": MODULUS, "e": "AQAB"
            }] }),
        ),
        ("GET", "/v1/clients/handshake_payload") => Reply::json(
            200,
            json!({ "directives": [
                "__session=eyJhbGciOiJSUzI1NiJ9.e30.c2ln; Path=/; SameSite=Lax",
                "__client_uat=1732370000; Path=/; SameSite=Lax"
            ] }),
        ),
        ("POST", path) if path.starts_with("/v1/sessions/") => {
            let jwt = format!("jwt-for{}", path.trim_start_matches("/v1/sessions"));
            Reply::json(200, json!({ "object": "token", "jwt": jwt }))
        }
        _ => Reply::clerk_error(404, "resource_not_found", "not found", None),
    }
}

#[tokio::test]
async fn jwks_parses_clerks_rsa_keys() {
    let stand_in = StandIn::start(clerk).await;
    let jwks = stand_in.client().jwks().await.expect("jwks");

    let request = stand_in.only_request();
    assert_eq!(
        (request.method, request.path.as_str()),
        (Method::GET, "/v1/jwks")
    );
    let key = jwks.find("ins_2lWTkJfQKx0b0g8tq3Hxzz5bEWn").expect("kid");
    let AlgorithmParameters::RSA(rsa) = &key.algorithm else {
        panic!("not RSA: {key:?}")
    };
    assert_eq!(rsa.n, MODULUS);
    assert_eq!(rsa.e, "AQAB");
    jsonwebtoken::DecodingKey::from_jwk(key).expect("usable decoding key");
}

#[tokio::test]
async fn handshake_payload_sends_the_nonce_and_returns_directives() {
    let stand_in = StandIn::start(clerk).await;
    let directives = stand_in
        .client()
        .handshake_payload("nonce+/=1")
        .await
        .expect("payload");

    let request = stand_in.only_request();
    assert_eq!(request.path, "/v1/clients/handshake_payload");
    assert_eq!(request.query_values("nonce"), ["nonce+/=1"]);
    assert_eq!(directives.len(), 2);
    assert!(directives[0].starts_with("__session="));
}

#[tokio::test]
async fn create_token_posts_to_the_session_tokens_endpoint() {
    let stand_in = StandIn::start(clerk).await;
    let jwt = stand_in
        .client()
        .sessions()
        .create_token("sess_1", None)
        .await
        .expect("jwt");

    let request = stand_in.only_request();
    assert_eq!(
        (request.method.clone(), request.path.as_str()),
        (Method::POST, "/v1/sessions/sess_1/tokens")
    );
    assert_eq!(request.json(), json!({}));
    assert_eq!(jwt, "jwt-for/sess_1/tokens");
}

#[tokio::test]
async fn create_token_with_a_template_appends_its_name() {
    let stand_in = StandIn::start(clerk).await;
    let sessions = stand_in.client();
    let jwt = sessions
        .sessions()
        .create_token("sess_1", Some("supabase"))
        .await
        .expect("jwt");

    assert_eq!(
        stand_in.only_request().path,
        "/v1/sessions/sess_1/tokens/supabase"
    );
    assert_eq!(jwt, "jwt-for/sess_1/tokens/supabase");
}

fn auth_of(session_id: Option<&str>) -> Auth {
    let mut payload = json!({"sub": "user_1", "exp": 4_000_000_000_i64, "sts": "active"});
    if let Some(sid) = session_id {
        payload["sid"] = json!(sid);
    }
    let claims = SessionClaims::from_payload(payload).expect("valid claims");
    Auth::from_claims(Arc::new(claims), "session-token", true)
}

#[tokio::test]
async fn auth_get_token_with_template_mints_one_for_its_session() {
    let stand_in = StandIn::start(clerk).await;
    let token = auth_of(Some("sess_7"))
        .get_token_with_template(&stand_in.client(), "supabase")
        .await
        .expect("minted");

    assert_eq!(token.as_deref(), Some("jwt-for/sess_7/tokens/supabase"));
    let request = stand_in.only_request();
    assert_eq!(
        (request.method.clone(), request.path.as_str()),
        (Method::POST, "/v1/sessions/sess_7/tokens/supabase")
    );
}

#[tokio::test]
async fn auth_get_token_with_template_is_none_without_a_session() {
    let stand_in = StandIn::start(clerk).await;
    let signed_out = Auth::signed_out(None)
        .get_token_with_template(&stand_in.client(), "supabase")
        .await
        .expect("no error");
    let no_sid = auth_of(None)
        .get_token_with_template(&stand_in.client(), "supabase")
        .await
        .expect("no error");

    assert_eq!((signed_out, no_sid), (None, None));
    assert!(stand_in.requests().is_empty(), "no request is made");
}
