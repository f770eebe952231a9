//! `/healthz` and `/readyz` on the real router: answers, the JWKS condition and the drain flag,
//! outside the Clerk layer.

mod app_support;

use app_support::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::routing::get;
use axum::{Json, Router};

// The app's library crate (renamed with the project).{%- if false %}
use leptos_clerk_starter::server::{build_router_with, ClerkSetup, Draining};
// {% endif %}{{nl}}use {{crate_name}}::server::{build_router_with, ClerkSetup, Draining};

use serde_json::{json, Value};
use tower::ServiceExt;

/// GET `path` on `router` with `cookie`; the status, the Location header and the JSON body.
async fn get_json(
    router: &Router,
    path: &str,
    cookie: &str,
) -> (StatusCode, Option<String>, Value) {
    let request = Request::get(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        location,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn router(setup: ClerkSetup, draining: Draining) -> Router {
    build_router_with(
        leptos_options("127.0.0.1:3000".parse().unwrap()),
        setup,
        draining,
    )
}

/// A Backend API on 127.0.0.1 serving the fixture JWKS; its base URL.
async fn start_jwks_server() -> (String, tokio::task::JoinHandle<()>) {
    let jwks: Value = serde_json::from_str(JWK_A).unwrap();
    let app = Router::new().route(
        "/v1/jwks",
        get(move || {
            let jwks = jwks.clone();
            async move { Json(json!({ "keys": [jwks] })) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), task)
}

#[tokio::test]
async fn probes_answer_ok_and_are_never_handshaked() {
    let router = router(setup(pem_config()), Draining::default());
    // A page load with `__client_uat` set but no session token: the Clerk layer handshakes it.
    let stale = "__client_uat=1700000000";
    let (status, location, _) = get_json(&router, "/", stale).await;
    assert_eq!(
        status,
        StatusCode::TEMPORARY_REDIRECT,
        "control: the layer handshakes pages"
    );
    assert!(location.unwrap().contains("/v1/client/handshake"));
    for path in ["/healthz", "/readyz"] {
        let (status, location, body) = get_json(&router, path, stale).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(location, None, "{path} is outside the Clerk layer");
        let mut expected = json!({ "status": "ok" });
        if path == "/readyz" {
            expected["clerk_backend_api"] = json!("ok");
        }
        assert_eq!(body, expected, "{path}");
    }
}

#[tokio::test]
async fn readyz_is_503_while_no_jwks_was_fetched_and_the_backend_api_is_down() {
    let down = format!("http://{}", closed_address().await);
    let router = router(setup(config(&down)), Draining::default());
    let (status, _, body) = get_json(&router, "/readyz", "").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], "unavailable");
    assert!(body["reason"].as_str().unwrap().contains("JWKS"), "{body}");
    // Liveness does not depend on Clerk.
    let (status, _, _) = get_json(&router, "/healthz", "").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn readyz_fetches_the_jwks_once_then_stays_ready_when_the_backend_api_goes_down() {
    let (api, server) = start_jwks_server().await;
    let router = router(setup(config(&api)), Draining::default());
    let (status, _, body) = get_json(&router, "/readyz", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    server.abort();
    let _ = server.await;
    // The keys fetched once keep verifying tokens, so the instance stays ready.
    let (status, _, body) = get_json(&router, "/readyz", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn readyz_is_503_once_draining_and_healthz_stays_ok() {
    let draining = Draining::default();
    let router = router(setup(pem_config()), draining.clone());
    draining.start();
    let (status, _, body) = get_json(&router, "/readyz", "").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        body,
        json!({ "status": "unavailable", "reason": "shutting down", "clerk_backend_api": "ok" })
    );
    let (status, _, _) = get_json(&router, "/healthz", "").await;
    assert_eq!(status, StatusCode::OK);
}
