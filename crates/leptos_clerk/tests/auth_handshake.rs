//! The handshake: the 307 for page loads, the loop guard, dev-browser sync,
//! nonce and legacy-token resolution against a loopback Backend API, and
//! `get_auth`/`require_auth` through the Leptos context.
#![cfg(feature = "ssr")]

mod auth_support;

use auth_support::*;
use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use leptos::prelude::{provide_context, Owner};
use leptos_clerk::server::{get_auth, get_clerk, get_clerk_state, require_auth, AuthError, Clerk};
use serde_json::json;
use url::Url;

fn query(location: &str) -> Vec<(String, String)> {
    Url::parse(location)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn first_dev_page_load_redirects_to_the_proxied_handshake() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&Clerk::new(config(&api)).unwrap());
    let answer = send(&app, page("/page?a=1", None)).await;
    assert_eq!(answer.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(answer.header("x-clerk-auth-status"), Some("handshake"));
    assert_eq!(answer.reason(), Some("dev-browser-missing"));
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    let location = answer.header("location").unwrap();
    assert!(
        location.starts_with("http://localhost:3000/__clerk/v1/client/handshake?"),
        "{location}"
    );
    let pairs = query(location);
    assert_eq!(
        param(&pairs, "redirect_url"),
        Some("http://localhost:3000/page?a=1")
    );
    assert_eq!(param(&pairs, "format"), Some("nonce"));
    assert_eq!(param(&pairs, "__clerk_api_version"), Some("2025-11-10"));
    assert_eq!(
        param(&pairs, "__clerk_hs_reason"),
        Some("dev-browser-missing")
    );
    assert_eq!(param(&pairs, "suffixed_cookies"), Some("false"));
    assert!(answer.set_cookies()[0].starts_with("__clerk_redirect_count=1;"));
}

#[tokio::test]
async fn fetch_and_server_function_calls_are_never_redirected() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&Clerk::new(config(&api)).unwrap());
    let answer = send(&app, fetch("/", "")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("x-clerk-auth-status"), Some("signed-out"));
    assert_eq!(answer.reason(), Some("dev-browser-missing"));
    let post = Request::post("/api/me")
        .header("host", "localhost:3000")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("a=1"))
        .unwrap();
    let answer = send(&app, post).await;
    assert_ne!(answer.status, StatusCode::TEMPORARY_REDIRECT);
}

#[tokio::test]
async fn loop_guard_stops_at_three() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&Clerk::new(config(&api)).unwrap());
    let answer = send(&app, page("/", Some("__clerk_redirect_count=2"))).await;
    assert_eq!(answer.status, StatusCode::TEMPORARY_REDIRECT);
    assert!(answer.set_cookies()[0].starts_with("__clerk_redirect_count=3;"));
    let answer = send(&app, page("/", Some("__clerk_redirect_count=3"))).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("x-clerk-auth-status"), Some("signed-out"));
}

#[tokio::test]
async fn dev_browser_token_in_the_query_is_synced() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&Clerk::new(config(&api)).unwrap());
    let answer = send(&app, page("/p?__clerk_db_jwt=dvb_1&x=2", None)).await;
    assert_eq!(answer.reason(), Some("dev-browser-sync"));
    let pairs = query(answer.header("location").unwrap());
    assert_eq!(param(&pairs, "__clerk_db_jwt"), Some("dvb_1"));
    assert_eq!(
        param(&pairs, "redirect_url"),
        Some("http://localhost:3000/p?x=2")
    );
}

/// A page load carrying a forged `X-Forwarded-Host` / `-Proto`.
fn forwarded(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(path)
        .header("host", "localhost:3000")
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-host", "evil.example, proxy.internal")
        .header("sec-fetch-dest", "document");
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    builder.body(Body::empty()).unwrap()
}

/// The `Location` of the answer to `request`.
async fn location_of(app: &Router, request: Request<Body>) -> String {
    let answer = send(app, request).await;
    answer.header("location").expect("a redirect").to_owned()
}

/// Asserts a handshake 307 through the proxy on `origin` that returns to `{origin}/x`.
fn assert_handshake_on(location: &str, origin: &str) {
    let handshake = format!("{origin}/__clerk/v1/client/handshake?");
    assert!(location.starts_with(&handshake), "{location}");
    let back = format!("{origin}/x");
    assert_eq!(param(&query(location), "redirect_url"), Some(back.as_str()));
}

/// Without `CLERK_TRUST_FORWARDED_HEADERS`, the request's own `Host` decides every URL the
/// layer builds: a forged `X-Forwarded-Host` never reaches a `Location`.
#[tokio::test]
async fn forwarded_headers_are_ignored_by_default() {
    let (api, bapi) = start_bapi().await;
    let session = sign(&claims());
    bapi.directives
        .lock()
        .unwrap()
        .insert("n1".into(), vec![format!("__session={session}; Path=/")]);
    let dev = app(&Clerk::new(config(&api)).unwrap());
    let prod = app(&Clerk::new(production_config(&api)).unwrap());
    let mut satellite = config(&api);
    satellite.is_satellite = true;
    satellite.domain = Some("localhost:3000".into());
    satellite.urls.sign_in_url = "https://primary.example.com/sign-in".into();
    let satellite = app(&Clerk::new(satellite).unwrap());
    let cases = [
        (&dev, forwarded("/x", None)),
        (
            &dev,
            forwarded("/x?__clerk_handshake_nonce=n1", Some("__clerk_db_jwt=d")),
        ),
        (&prod, forwarded("/x", Some("__client_uat=1700000000"))),
        (&satellite, forwarded("/x?__clerk_synced=false", None)),
    ];
    for (app, request) in cases {
        let answer = send(app, request).await;
        let location = answer.header("location").expect("a redirect").to_owned();
        let decoded: String = url::form_urlencoded::parse(location.as_bytes())
            .map(|(k, v)| format!("{k}={v}&"))
            .collect();
        assert!(!decoded.contains("evil.example"), "{location}");
        assert!(!decoded.contains("https://localhost"), "{location}");
    }
    let location = location_of(&dev, forwarded("/x", None)).await;
    assert_handshake_on(&location, "http://localhost:3000");
}

/// With `CLERK_TRUST_FORWARDED_HEADERS` (behind a proxy that sets them) the first forwarded
/// values decide the public URL.
#[tokio::test]
async fn trusted_forwarded_headers_decide_the_public_url() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&Clerk::new(config(&api).with_trusted_forwarded_headers(true)).unwrap());
    let location = location_of(&app, forwarded("/x", None)).await;
    assert_handshake_on(&location, "https://evil.example");
}

#[tokio::test]
async fn production_cookie_rules() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&Clerk::new(production_config(&api)).unwrap());
    // No cookies at all: signed out without any network call or redirect.
    let answer = send(&app, page("/", None)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.reason(), Some("session-token-and-uat-missing"));
    // A signed-in client but no session token: handshake at the real FAPI host.
    let answer = send(&app, page("/", Some("__client_uat=1700000000"))).await;
    assert_eq!(answer.reason(), Some("client-uat-but-no-session-token"));
    assert!(answer
        .header("location")
        .unwrap()
        .starts_with("https://clerk.localhost/v1/client/handshake?"));
    // A session token but no client_uat.
    let token = sign(&claims());
    let answer = send(&app, page("/", Some(&format!("__session={token}")))).await;
    assert_eq!(answer.reason(), Some("session-token-but-no-client-uat"));
    // The session token predates the last sign-in/out of this client.
    let cookie = format!("__session={token}; __client_uat={}", now() + 1000);
    let answer = send(&app, page("/", Some(&cookie))).await;
    assert_eq!(answer.reason(), Some("session-token-iat-before-client-uat"));
    // Valid pair: signed in.
    let cookie = format!("__session={token}; __client_uat={}", now() - 100);
    assert!(send(&app, page("/", Some(&cookie))).await.signed_in());
}

/// The verified-token cache answers the cookie path without a second verification, but the
/// `iat < __client_uat` rule still applies to a cached token.
#[tokio::test]
async fn a_cached_cookie_token_still_obeys_the_client_uat_rule() {
    let (api, bapi) = start_bapi().await;
    let clerk = Clerk::new(config(&api)).unwrap();
    let app = app(&clerk);
    let token = sign(&claims());
    let dev_browser = "__clerk_db_jwt=dvb_test";
    let signed_in = format!(
        "{dev_browser}; __session={token}; __client_uat={}",
        now() - 100
    );
    assert!(send(&app, page("/", Some(&signed_in))).await.signed_in());
    assert!(send(&app, page("/", Some(&signed_in))).await.signed_in());
    assert_eq!(clerk.cached_token_count(), 1, "the token is cached");
    assert_eq!(bapi.jwks_hits(), 1, "the second request needed no key");

    // Signed in again in another tab after this token was minted: the cached token is stale.
    let newer_uat = format!(
        "{dev_browser}; __session={token}; __client_uat={}",
        now() + 1000
    );
    let answer = send(&app, page("/", Some(&newer_uat))).await;
    assert!(!answer.signed_in());
    assert_eq!(answer.reason(), Some("session-token-iat-before-client-uat"));
}

#[tokio::test]
async fn nonce_is_resolved_through_the_backend_api() {
    let (api, bapi) = start_bapi().await;
    let token = sign(&claims());
    let directives = vec![
        format!("__session={token}; Path=/; SameSite=Lax"),
        format!("__client_uat={}; Path=/; SameSite=Lax", now()),
        "__clerk_handshake_nonce=; Path=/; Max-Age=0".to_owned(),
    ];
    bapi.directives
        .lock()
        .unwrap()
        .insert("nonce-1".into(), directives.clone());

    // Development: cookies are set and the URL is cleaned with a same-origin 307.
    let app_dev = app(&Clerk::new(config(&api)).unwrap());
    let answer = send(
        &app_dev,
        page(
            "/p?a=1&__clerk_handshake_nonce=nonce-1",
            Some("__clerk_db_jwt=dvb"),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(answer.header("location"), Some("/p?a=1"));
    assert_eq!(answer.header("x-clerk-auth-status"), Some("signed-in"));
    assert_eq!(answer.set_cookies(), directives);

    // Production: no redirect; the page renders signed in and sets the cookies.
    let app_prod = app(&Clerk::new(production_config(&api)).unwrap());
    let answer = send(&app_prod, page("/?__clerk_handshake_nonce=nonce-1", None)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.signed_in());
    assert_eq!(answer.set_cookies(), directives);

    // An unknown nonce (404 from the API) falls back to the cookie rules.
    let answer = send(&app_prod, page("/?__clerk_handshake_nonce=forged", None)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(!answer.signed_in());
    assert!(answer.set_cookies().is_empty());
    assert_eq!(
        bapi.payload_hits.load(std::sync::atomic::Ordering::SeqCst),
        3
    );
}

#[tokio::test]
async fn legacy_handshake_token_is_verified_with_the_same_keys() {
    let (api, _bapi) = start_bapi().await;
    let app = app(&Clerk::new(production_config(&api)).unwrap());
    let session = sign(&claims());
    let payload =
        json!({"handshake": [format!("__session={session}; Path=/"), "__client_uat=1; Path=/"]});
    let genuine = sign(&payload);
    let answer = send(&app, page(&format!("/?__clerk_handshake={genuine}"), None)).await;
    assert!(answer.signed_in());
    assert_eq!(answer.set_cookies().len(), 2);
    let forged = sign_with(
        &payload,
        PRIVATE_B,
        "test-key-a",
        jsonwebtoken::Algorithm::RS256,
    );
    let answer = send(&app, page(&format!("/?__clerk_handshake={forged}"), None)).await;
    assert!(!answer.signed_in());
    assert!(
        answer.set_cookies().is_empty(),
        "a forged handshake sets no cookie"
    );
}

async fn context_probe(parts: Parts) -> Json<serde_json::Value> {
    let owner = Owner::new();
    let result = owner.with(|| {
        provide_context(parts);
        let auth = get_auth().map(|a| a.user_id().map(str::to_owned));
        let required = require_auth().map(|a| a.user_id().map(str::to_owned));
        let state = get_clerk_state().ok();
        json!({
            "get_auth": format!("{auth:?}"),
            "require_auth": format!("{required:?}"),
            "state_user": state.as_ref().and_then(|s| s.auth.user_id.clone()),
            "state_js": state.as_ref().map(|s| s.clerk_js_url.clone()),
            "clerk": get_clerk().is_ok(),
        })
    });
    Json(result)
}

#[tokio::test]
async fn get_auth_and_require_auth_read_the_leptos_context() {
    assert_eq!(
        Owner::new().with(get_auth).unwrap_err(),
        AuthError::NoRequest
    );
    let without_layer: Router = Router::new().route("/ctx", get(context_probe));
    let answer = send(&without_layer, fetch("/ctx", "")).await;
    assert_eq!(
        answer.body["get_auth"],
        format!("{:?}", Err::<(), _>(AuthError::LayerMissing))
    );

    let (api, _bapi) = start_bapi().await;
    let clerk = Clerk::new(production_config(&api)).unwrap();
    let app = Router::new()
        .route("/ctx", get(context_probe))
        .layer(clerk.layer());
    let answer = send(&app, page("/ctx?x=1", None)).await;
    let expected = AuthError::SignedOut {
        sign_in_url: "/sign-in?redirect_url=%2Fctx%3Fx%3D1".into(),
    };
    assert_eq!(
        answer.body["require_auth"],
        format!("{:?}", Err::<(), _>(expected))
    );
    let answer = send(&app, fetch("/ctx", "")).await;
    assert_eq!(
        answer.body["require_auth"],
        format!("{:?}", Err::<(), _>(AuthError::Unauthenticated))
    );
    let token = sign(&claims());
    let answer = send(&app, request("/ctx", &token, Carrier::Bearer, false)).await;
    assert_eq!(answer.body["require_auth"], "Ok(Some(\"user_123\"))");
    assert_eq!(answer.body["get_auth"], "Ok(Some(\"user_123\"))");
    assert_eq!(answer.body["state_user"], "user_123");
    assert_eq!(
        answer.body["state_js"],
        "https://clerk.localhost/npm/@clerk/clerk-js@6.40.0/dist/clerk.browser.js"
    );
    assert_eq!(answer.body["clerk"], true);
}

#[tokio::test]
async fn layer_appends_its_headers_to_the_app_response() {
    let (api, bapi) = start_bapi().await;
    let token = sign(&claims());
    let directive = format!("__session={token}; Path=/");
    bapi.directives
        .lock()
        .unwrap()
        .insert("n".into(), vec![directive.clone()]);
    let clerk = Clerk::new(production_config(&api)).unwrap();
    let app = Router::new()
        .route(
            "/",
            get(|| async {
                (
                    [
                        ("set-cookie", "app=1; Path=/"),
                        ("x-clerk-auth-status", "forged"),
                    ],
                    "hi",
                )
            }),
        )
        .layer(clerk.layer());
    let answer = send(&app, page("/?__clerk_handshake_nonce=n", None)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.set_cookies(),
        vec!["app=1; Path=/".to_owned(), directive]
    );
    assert_eq!(answer.header("x-clerk-auth-status"), Some("signed-in"));
}

#[tokio::test]
async fn suffixed_cookies_are_read_with_the_instance_suffix() {
    let (api, _bapi) = start_bapi().await;
    let clerk = Clerk::new(config(&api)).unwrap();
    assert_eq!(
        clerk.cookie_suffix(),
        include_str!("fixtures/local_cookie_suffix.txt")
    );
    let app = app(&clerk);
    let suffix = clerk.cookie_suffix();
    let token = sign(&claims());
    // Another app on localhost left a foreign unsuffixed session behind.
    let foreign = sign(&claims_with(
        json!({"iss": "https://other.example.com", "sub": "user_other"}),
    ));
    let cookie = format!(
        "__session={foreign}; __client_uat=1; __session_{suffix}={token}; \
         __client_uat_{suffix}={}; __clerk_db_jwt_{suffix}=dvb",
        now() - 100
    );
    let answer = send(&app, fetch("/", &cookie)).await;
    assert!(answer.signed_in(), "{:?}", answer.reason());
    assert_eq!(answer.body["user_id"], "user_123");
}
