//! Shared test helpers: RSA-signed tokens from the test-only fixture keys, a
//! real axum server on 127.0.0.1:0 standing in for Clerk's Backend API, and an
//! app router behind `ClerkLayer`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use leptos_clerk::server::{Auth, Check, Clerk, ClerkConfig, RequireAuth};
use leptos_clerk::server::{InstanceType, PublishableKey};
use serde_json::{json, Value};
use tower::ServiceExt;

pub const PK_TEST: &str = "pk_test_Y2xlcmsubG9jYWxob3N0JA";
pub const ISSUER: &str = "https://clerk.localhost";
pub const ORIGIN: &str = "http://localhost:3000";
pub const SECRET: &str = "sk_test_fixture_secret";
pub const SECRET_LIVE: &str = "sk_live_fixture_secret";

pub const PRIVATE_A: &str = include_str!("../fixtures/test_only_rsa_a_private.pem");
pub const PRIVATE_B: &str = include_str!("../fixtures/test_only_rsa_b_private.pem");
pub const PUBLIC_A: &str = include_str!("../fixtures/test_only_rsa_a_public.pem");
pub const JWK_A: &str = include_str!("../fixtures/test_only_jwk_a.json");
pub const JWK_B: &str = include_str!("../fixtures/test_only_jwk_b.json");

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Claims of a fresh, valid session token.
pub fn claims() -> Value {
    let now = now();
    json!({
        "sub": "user_123", "sid": "sess_123", "iss": ISSUER, "azp": ORIGIN,
        "iat": now - 1, "nbf": now - 10, "exp": now + 60, "sts": "active"
    })
}

/// `claims()` with `changes` merged in (`null` removes a claim).
pub fn claims_with(changes: Value) -> Value {
    let mut claims = claims();
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

pub fn sign_with(claims: &Value, private_pem: &str, kid: &str, alg: Algorithm) -> String {
    let mut header = Header::new(alg);
    header.kid = Some(kid.into());
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_rsa_pem(private_pem.as_bytes()).unwrap(),
    )
    .unwrap()
}

/// A token with the JOSE header `header` (any fields: `cat`, `typ`, …) over `claims`, signed
/// with test key A and the header's `alg` (RS256 when absent).
pub fn sign_raw(header: &Value, claims: &Value) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let alg = match header["alg"].as_str().unwrap_or("RS256") {
        "RS384" => Algorithm::RS384,
        "RS512" => Algorithm::RS512,
        _ => Algorithm::RS256,
    };
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let key = EncodingKey::from_rsa_pem(PRIVATE_A.as_bytes()).unwrap();
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, alg).unwrap();
    format!("{message}.{signature}")
}

/// A token signed with test key A (`kid` `test-key-a`).
pub fn sign(claims: &Value) -> String {
    sign_with(claims, PRIVATE_A, "test-key-a", Algorithm::RS256)
}

/// How the fake Backend API answers `/v1/jwks`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Mode {
    KeyA = 0,
    KeysAB = 1,
    Down = 2,
    Slow = 3,
    TooMany = 4,
    Malformed = 5,
    /// Key B only: key A was rotated out.
    KeyB = 6,
}

#[derive(Default)]
pub struct FakeBapi {
    pub mode: AtomicU8,
    pub jwks_hits: AtomicUsize,
    pub payload_hits: AtomicUsize,
    pub directives: Mutex<HashMap<String, Vec<String>>>,
    pub last_headers: Mutex<Option<HeaderMap>>,
    /// Handshake-payload requests being answered right now, and the most at once.
    pub payload_in_flight: AtomicUsize,
    pub payload_max_in_flight: AtomicUsize,
    /// When set, each handshake-payload request waits for a permit (or for the gate to close).
    pub payload_gate: Mutex<Option<Arc<tokio::sync::Semaphore>>>,
}

impl FakeBapi {
    pub fn set_mode(&self, mode: Mode) {
        self.mode.store(mode as u8, Ordering::SeqCst);
    }

    pub fn jwks_hits(&self) -> usize {
        self.jwks_hits.load(Ordering::SeqCst)
    }

    /// Handshake-payload requests received so far.
    pub fn payload_hits(&self) -> usize {
        self.payload_hits.load(Ordering::SeqCst)
    }
}

async fn jwks(State(bapi): State<Arc<FakeBapi>>, headers: HeaderMap) -> Response {
    bapi.jwks_hits.fetch_add(1, Ordering::SeqCst);
    *bapi.last_headers.lock().unwrap() = Some(headers);
    let key = |s: &str| serde_json::from_str::<Value>(s).unwrap();
    match bapi.mode.load(Ordering::SeqCst) {
        0 => Json(json!({"keys": [key(JWK_A)]})).into_response(),
        1 => Json(json!({"keys": [key(JWK_A), key(JWK_B)]})).into_response(),
        2 => (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response(),
        3 => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            Json(json!({"keys": [key(JWK_A)]})).into_response()
        }
        4 => (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "10")], "{}").into_response(),
        6 => Json(json!({"keys": [key(JWK_B)]})).into_response(),
        _ => (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"keys\": [",
        )
            .into_response(),
    }
}

async fn handshake_payload(
    State(bapi): State<Arc<FakeBapi>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    bapi.payload_hits.fetch_add(1, Ordering::SeqCst);
    let now = bapi.payload_in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    bapi.payload_max_in_flight.fetch_max(now, Ordering::SeqCst);
    let gate = bapi.payload_gate.lock().unwrap().clone();
    if let Some(gate) = gate {
        let _permit = gate.acquire().await;
    }
    let response = payload_response(&bapi, &headers, &query);
    bapi.payload_in_flight.fetch_sub(1, Ordering::SeqCst);
    response
}

fn payload_response(
    bapi: &FakeBapi,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let authorized = [SECRET, SECRET_LIVE]
        .iter()
        .any(|s| bearer == format!("Bearer {s}"));
    if !authorized {
        return (StatusCode::UNAUTHORIZED, "{}").into_response();
    }
    let nonce = query.get("nonce").cloned().unwrap_or_default();
    match bapi.directives.lock().unwrap().get(&nonce) {
        Some(directives) => Json(json!({ "directives": directives })).into_response(),
        None => (StatusCode::NOT_FOUND, "{}").into_response(),
    }
}

/// Starts the fake Backend API; returns its base URL (`http://127.0.0.1:port`).
pub async fn start_bapi() -> (String, Arc<FakeBapi>) {
    let bapi = Arc::new(FakeBapi::default());
    let app = Router::new()
        .route("/v1/jwks", get(jwks))
        .route("/v1/clients/handshake_payload", get(handshake_payload))
        .with_state(bapi.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), bapi)
}

/// A development-instance config against the fake Backend API.
pub fn config(api_url: &str) -> ClerkConfig {
    let mut config = ClerkConfig::new(PK_TEST, SECRET);
    config.api_url = api_url.into();
    config.proxy_url = Some("/__clerk".into());
    config.authorized_parties = vec![ORIGIN.into()];
    config.http_timeout = Duration::from_millis(500);
    config.jwks_min_refetch_interval = Duration::ZERO;
    config
}

/// [`config`] for a production instance (`pk_live_` for the same Frontend API host, an
/// `sk_live_` secret, no proxy).
pub fn production_config(api_url: &str) -> ClerkConfig {
    let mut config = config(api_url);
    config.publishable_key =
        PublishableKey::from_frontend_api("clerk.localhost", InstanceType::Production).key;
    config.secret_key = SECRET_LIVE.into();
    config.proxy_url = None;
    config
}

/// The app under test: `/` shows the auth state, `/api/me` needs a session.
pub fn app(clerk: &Clerk) -> Router {
    Router::new()
        .route(
            "/",
            get(|auth: Auth| async move {
                Json(json!({
                    "signed_in": auth.is_authenticated(),
                    "user_id": auth.user_id(),
                    "org_id": auth.org_id(),
                    "org_role": auth.org_role(),
                    "org_permissions": auth.org_permissions(),
                    "admin": auth.has(Check::Role("admin")),
                    "reports_read": auth.has(Check::Permission("org:reports:read")),
                    "pro": auth.has(Check::Plan("pro")),
                    "token": auth.get_token(),
                }))
            }),
        )
        .route(
            "/api/me",
            get(|RequireAuth(auth): RequireAuth| async move { auth.user_id().unwrap().to_owned() }),
        )
        .layer(clerk.layer())
}

/// A finished response: status, headers and the body as JSON (or `Null`).
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn signed_in(&self) -> bool {
        self.body["signed_in"] == json!(true)
    }

    pub fn reason(&self) -> Option<&str> {
        self.header("x-clerk-auth-reason")
    }

    /// Every `Set-Cookie` header, in order.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }
}

/// A page load of `path` (`Accept: text/html`, no `sec-fetch-dest`), with `cookie` if any.
pub fn page(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(path)
        .header("host", "localhost:3000")
        .header("accept", "text/html,application/xhtml+xml");
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    builder.body(Body::empty()).unwrap()
}

/// A `fetch()` / server-function call of `path` (`sec-fetch-dest: empty`) with `cookie`.
pub fn fetch(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path)
        .header("host", "localhost:3000")
        .header("sec-fetch-dest", "empty")
        .header("cookie", cookie)
        .body(Body::empty())
        .unwrap()
}

pub async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
    }
}

/// How the token travels.
#[derive(Clone, Copy, Debug)]
pub enum Carrier {
    Cookie,
    Bearer,
}

/// A GET of `path` carrying `token`; `document` makes it a page load.
pub fn request(path: &str, token: &str, carrier: Carrier, document: bool) -> Request<Body> {
    let mut builder = Request::get(path).header("host", "localhost:3000");
    builder = match carrier {
        Carrier::Cookie => builder.header(
            "cookie",
            format!(
                "__session={token}; __client_uat={}; __clerk_db_jwt=dvb_test",
                now() - 100
            ),
        ),
        Carrier::Bearer => builder.header("authorization", format!("Bearer {token}")),
    };
    builder = if document {
        builder
            .header("sec-fetch-dest", "document")
            .header("accept", "text/html")
    } else {
        builder
            .header("sec-fetch-dest", "empty")
            .header("accept", "*/*")
    };
    builder.body(Body::empty()).unwrap()
}
