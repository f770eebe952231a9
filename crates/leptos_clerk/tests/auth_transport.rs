//! One transport: request authentication fetches the JWKS and the handshake payload through
//! `Clerk::backend_api()` (the same connection pool the app uses), in a single attempt, while
//! the app's own calls on that client keep their retries. A loopback server records the
//! client's TCP port of every request.
#![cfg(feature = "ssr")]

mod auth_support;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use auth_support::{
    app, claims, config, now, production_config, request, send, sign, Carrier, SECRET_LIVE,
};
use axum::body::Body;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos_clerk::server::backend_api::BackendApiError;
use leptos_clerk::server::Clerk;
use serde_json::{json, Value};

const JWKS: &str = "/v1/jwks";
const PAYLOAD: &str = "/v1/clients/handshake_payload";

/// One request the stand-in received.
#[derive(Clone, Debug)]
struct Hit {
    path: &'static str,
    nonce: Option<String>,
    peer: SocketAddr,
    headers: HeaderMap,
}

/// The stand-in Backend API: `/v1/jwks` (503 while `jwks_down`) and the handshake payload
/// (503 for the nonce `unavailable`, 404 for unknown nonces).
#[derive(Default)]
struct StandIn {
    hits: Mutex<Vec<Hit>>,
    jwks_down: AtomicBool,
    directives: Mutex<HashMap<String, Vec<String>>>,
}

impl StandIn {
    fn hits(&self, path: &str) -> Vec<Hit> {
        let hits = self.hits.lock().unwrap();
        hits.iter()
            .filter(|hit| hit.path == path)
            .cloned()
            .collect()
    }
}

fn unavailable() -> Response {
    let body = json!({"errors": [{"code": "service_unavailable", "message": "down"}]});
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}

async fn jwks(
    State(api): State<Arc<StandIn>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    api.hits.lock().unwrap().push(Hit {
        path: JWKS,
        nonce: None,
        peer,
        headers,
    });
    if api.jwks_down.load(Ordering::SeqCst) {
        return unavailable();
    }
    let key: Value = serde_json::from_str(auth_support::JWK_A).unwrap();
    Json(json!({ "keys": [key] })).into_response()
}

async fn handshake_payload(
    State(api): State<Arc<StandIn>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let nonce = query.get("nonce").cloned().unwrap_or_default();
    api.hits.lock().unwrap().push(Hit {
        path: PAYLOAD,
        nonce: Some(nonce.clone()),
        peer,
        headers,
    });
    if nonce == "unavailable" {
        return unavailable();
    }
    match api.directives.lock().unwrap().get(&nonce) {
        Some(directives) => Json(json!({ "directives": directives })).into_response(),
        None => (StatusCode::NOT_FOUND, "{}").into_response(),
    }
}

async fn start() -> (String, Arc<StandIn>) {
    let api = Arc::new(StandIn::default());
    let router = Router::new()
        .route(JWKS, get(jwks))
        .route(PAYLOAD, get(handshake_payload))
        .with_state(api.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    (base, api)
}

fn page(path: &str) -> Request<Body> {
    Request::get(path)
        .header("host", "localhost:3000")
        .header("accept", "text/html,application/xhtml+xml")
        .header("sec-fetch-dest", "document")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn backend_api_is_built_from_the_clerk_config() {
    let (base, _api) = start().await;
    let config = production_config(&base);
    let clerk = Clerk::new(config.clone()).unwrap();
    let api_config = clerk.backend_api().config();
    assert_eq!(api_config.api_url, config.api_url);
    assert_eq!(api_config.secret_key, config.secret_key);
    assert_eq!(api_config.api_version, config.api_version);
    assert_eq!(api_config.timeout, config.http_timeout);
    // An api_url that passes the prefix check but is no URL fails at start-up, naming it.
    let mut broken = config;
    broken.api_url = "http://".into();
    let error = Clerk::new(broken).unwrap_err().to_string();
    assert!(error.contains("CLERK_API_URL"), "{error}");
    assert!(!error.contains(SECRET_LIVE), "{error}");
}

#[tokio::test]
async fn jwks_fetch_of_the_verifier_is_one_attempt_when_the_api_answers_503() {
    let (base, api) = start().await;
    api.jwks_down.store(true, Ordering::SeqCst);
    let mut config = config(&base);
    // This test counts attempts: the breaker (tests/backend_api_outages.rs) stays closed.
    config.breaker.failures = 100;
    let clerk = Clerk::new(config).unwrap();
    let app = app(&clerk);
    for (expected_hits, carrier, document) in
        [(1, Carrier::Bearer, false), (2, Carrier::Cookie, true)]
    {
        let answer = send(&app, request("/", &sign(&claims()), carrier, document)).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(!answer.signed_in());
        assert_eq!(answer.reason(), Some("jwk-remote-failed-to-load"));
        assert_eq!(api.hits(JWKS).len(), expected_hits, "no retry: {carrier:?}");
    }
    // The same client retries the app's own (idempotent) calls.
    let error = clerk.backend_api().jwks().await.unwrap_err();
    assert!(
        matches!(error, BackendApiError::Status { status: 503, .. }),
        "{error:?}"
    );
    let retries = clerk.backend_api().config().max_retries as usize;
    assert!(retries > 0);
    // Retried, as often as max_retries allows and the backoff fits in the deadline.
    let hits = api.hits(JWKS).len();
    assert!(
        (2 + 2..=2 + 1 + retries).contains(&hits),
        "{hits} JWKS hits"
    );
    // Once the API is back, the next request signs in.
    api.jwks_down.store(false, Ordering::SeqCst);
    let answer = send(&app, request("/", &sign(&claims()), Carrier::Bearer, false)).await;
    assert!(answer.signed_in(), "{:?}", answer.reason());
}

#[tokio::test]
async fn handshake_nonce_is_resolved_through_the_shared_client() {
    let (base, api) = start().await;
    let token = sign(&claims());
    let directives = vec![
        format!("__session={token}; Path=/; SameSite=Lax"),
        format!("__client_uat={}; Path=/; SameSite=Lax", now()),
    ];
    api.directives
        .lock()
        .unwrap()
        .insert("nonce-1".into(), directives.clone());
    let clerk = Clerk::new(production_config(&base)).unwrap();
    let app = app(&clerk);

    // The app's own call opens a connection; it goes back to the pool once idle.
    let own = clerk.backend_api().handshake_payload("nonce-1").await;
    assert_eq!(own.unwrap(), directives);
    tokio::time::sleep(Duration::from_millis(100)).await;

    let answer = send(&app, page("/?__clerk_handshake_nonce=nonce-1")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.signed_in(), "{:?}", answer.reason());
    let set_cookies: Vec<_> = answer.headers.get_all("set-cookie").iter().collect();
    assert_eq!(set_cookies.len(), directives.len());

    let hits = api.hits(PAYLOAD);
    assert_eq!(hits.len(), 2);
    assert_eq!(
        hits[1].peer, hits[0].peer,
        "the handshake reused the app client's connection"
    );
    let headers = &hits[1].headers;
    assert_eq!(
        headers["authorization"],
        format!("Bearer {SECRET_LIVE}").as_str()
    );
    assert_eq!(headers["clerk-api-version"], "2025-11-10");
    let user_agent = headers["user-agent"].to_str().unwrap();
    assert!(user_agent.starts_with("leptos-clerk/"), "{user_agent}");
    assert_eq!(
        api.hits(JWKS).len(),
        1,
        "the new session token was verified"
    );

    // A 503 for the nonce is not retried: the request falls through to the cookie rules.
    let answer = send(&app, page("/?__clerk_handshake_nonce=unavailable")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(!answer.signed_in());
    assert_eq!(answer.reason(), Some("session-token-and-uat-missing"));
    assert!(answer.headers.get("set-cookie").is_none());
    let unavailable: Vec<_> = api
        .hits(PAYLOAD)
        .into_iter()
        .filter(|hit| hit.nonce.as_deref() == Some("unavailable"))
        .collect();
    assert_eq!(unavailable.len(), 1, "one attempt, no backoff");
}
