//! A real axum server on 127.0.0.1:0 standing in for a Clerk instance acting as OAuth provider:
//! `/oauth/authorize` (auto-approves), `/oauth/token` (client secret, PKCE S256, single-use
//! codes), `/oauth/userinfo`, `/.well-known/jwks.json` and RS256 ID tokens.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

/// The client the app is registered as.
pub const CLIENT_ID: &str = "oauth_client_test";
/// Its secret.
pub const CLIENT_SECRET: &str = "oauth_secret_test_0123456789";
/// The provider's signing key and a key it never published.
pub const PROVIDER_KEY: &str = include_str!("../fixtures/oauth_provider_key.pem");
/// A key the provider never published (for forged ID tokens).
pub const FORGER_KEY: &str = include_str!("../fixtures/oauth_forger_key.pem");
/// The `kid` of the published key.
pub const KID: &str = "ins_test_key_1";

/// How the ID token (when `openid` is requested) is produced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IdTokenMode {
    /// Correct in every respect.
    Valid,
    /// Nonce differs from the one sent to /authorize.
    WrongNonce,
    /// `aud` is another client.
    WrongAudience,
    /// `iss` is another instance.
    WrongIssuer,
    /// Signed with an unpublished key.
    Forged,
    /// Expired an hour ago.
    Expired,
    /// HS256 with the client secret (must be refused).
    Hs256,
    /// No ID token in the token response although `openid` was granted.
    Missing,
}

/// Knobs a test turns before driving the flow.
pub struct Behaviour {
    /// Redirect back with `error=access_denied` instead of a code.
    pub deny: bool,
    /// Answer /oauth/token with 503 HTML.
    pub token_down: bool,
    /// Delay before answering /oauth/token.
    pub token_delay: Duration,
    /// Delay before answering /oauth/userinfo.
    pub userinfo_delay: Duration,
    /// Codes older than this are refused.
    pub code_ttl: Duration,
    /// ID-token variant.
    pub id_token: IdTokenMode,
    /// The user the provider vouches for.
    pub user: Value,
}

struct Grant {
    redirect_uri: String,
    challenge: String,
    nonce: String,
    scope: String,
    issued: Instant,
    used: bool,
}

/// Requests per endpoint.
#[derive(Default)]
pub struct Counts {
    pub authorize: AtomicUsize,
    pub token: AtomicUsize,
    pub userinfo: AtomicUsize,
    pub jwks: AtomicUsize,
}

impl Counts {
    /// `[authorize, token, userinfo, jwks]`.
    pub fn snapshot(&self) -> [usize; 4] {
        [&self.authorize, &self.token, &self.userinfo, &self.jwks].map(|c| c.load(Ordering::SeqCst))
    }
}

/// Shared state of the stand-in.
pub struct ProviderState {
    pub behaviour: Mutex<Behaviour>,
    pub counts: Counts,
    /// Why the token endpoint refused requests, in order.
    pub token_rejections: Mutex<Vec<String>>,
    grants: Mutex<HashMap<String, Grant>>,
    access_tokens: Mutex<HashMap<String, Value>>,
    issuer: Mutex<String>,
    serial: AtomicUsize,
}

/// A running stand-in provider.
pub struct Provider {
    pub base_url: String,
    pub state: Arc<ProviderState>,
}

impl Provider {
    /// Starts the stand-in; its base URL ends in `/__clerk` like a proxied instance.
    pub async fn start() -> Self {
        let state = Arc::new(ProviderState {
            behaviour: Mutex::new(Behaviour {
                deny: false,
                token_down: false,
                token_delay: Duration::ZERO,
                userinfo_delay: Duration::ZERO,
                code_ttl: Duration::from_secs(60),
                id_token: IdTokenMode::Valid,
                user: default_user(),
            }),
            counts: Counts::default(),
            token_rejections: Mutex::new(Vec::new()),
            grants: Mutex::new(HashMap::new()),
            access_tokens: Mutex::new(HashMap::new()),
            issuer: Mutex::new(String::new()),
            serial: AtomicUsize::new(0),
        });
        let routes = Router::new()
            .route("/oauth/authorize", get(authorize))
            .route("/oauth/token", post(token))
            .route("/oauth/userinfo", get(userinfo))
            .route("/.well-known/jwks.json", get(jwks))
            .with_state(state.clone());
        let app = Router::new().nest("/__clerk", routes);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let base_url = format!("http://{addr}/__clerk");
        *state.issuer.lock().unwrap() = base_url.clone();
        Self { base_url, state }
    }

    /// Changes the knobs.
    pub fn set(&self, change: impl FnOnce(&mut Behaviour)) {
        change(&mut self.state.behaviour.lock().unwrap());
    }

    /// `[authorize, token, userinfo, jwks]` request counts.
    pub fn counts(&self) -> [usize; 4] {
        self.state.counts.snapshot()
    }

    /// The token endpoint's refusal reasons so far.
    pub fn token_rejections(&self) -> Vec<String> {
        self.state.token_rejections.lock().unwrap().clone()
    }
}

/// The userinfo document of the fixture user (Clerk's field names).
pub fn default_user() -> Value {
    json!({
        "object": "oauth_user_info",
        "sub": "user_2abc",
        "user_id": "user_2abc",
        "email": "ada@example.test",
        "email_verified": true,
        "given_name": "Ada",
        "family_name": "Lovelace",
        "name": "Ada Lovelace",
        "username": "ada",
        "picture": "https://img.example.test/ada.png",
        "public_metadata": {"role": "admin"},
    })
}

async fn authorize(
    State(state): State<Arc<ProviderState>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    state.counts.authorize.fetch_add(1, Ordering::SeqCst);
    let param = |k: &str| query.get(k).cloned().unwrap_or_default();
    if param("client_id") != CLIENT_ID
        || param("response_type") != "code"
        || param("code_challenge_method") != "S256"
        || param("code_challenge").is_empty()
        || param("state").is_empty()
    {
        return (StatusCode::BAD_REQUEST, "bad authorize request").into_response();
    }
    let redirect_uri = param("redirect_uri");
    let state_param = urlencode(&param("state"));
    if state.behaviour.lock().unwrap().deny {
        let to = format!(
            "{redirect_uri}?error=access_denied&error_description=The+user+denied&state={state_param}"
        );
        return Redirect::temporary(&to).into_response();
    }
    let n = state.serial.fetch_add(1, Ordering::SeqCst);
    let code = format!(
        "code_{n}_{}",
        STANDARD
            .encode(n.to_le_bytes())
            .replace(['=', '+', '/'], "")
    );
    state.grants.lock().unwrap().insert(
        code.clone(),
        Grant {
            redirect_uri: redirect_uri.clone(),
            challenge: param("code_challenge"),
            nonce: param("nonce"),
            scope: param("scope"),
            issued: Instant::now(),
            used: false,
        },
    );
    Redirect::temporary(&format!("{redirect_uri}?code={code}&state={state_param}")).into_response()
}

async fn token(
    State(state): State<Arc<ProviderState>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    state.counts.token.fetch_add(1, Ordering::SeqCst);
    let (delay, down) = {
        let b = state.behaviour.lock().unwrap();
        (b.token_delay, b.token_down)
    };
    tokio::time::sleep(delay).await;
    if down {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "<html>upstream down</html>",
        )
            .into_response();
    }
    match issue_tokens(&state, &headers, &form) {
        Ok(body) => Json(body).into_response(),
        Err((status, error, reason)) => {
            state
                .token_rejections
                .lock()
                .unwrap()
                .push(reason.to_owned());
            (
                status,
                Json(json!({"error": error, "error_description": reason})),
            )
                .into_response()
        }
    }
}

type Refusal = (StatusCode, &'static str, &'static str);

fn issue_tokens(
    state: &ProviderState,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<Value, Refusal> {
    let expected = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if auth != Some(expected.as_str()) {
        return Err((
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        ));
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return Err((
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant type",
        ));
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let mut grants = state.grants.lock().unwrap();
    let grant =
        grants
            .get_mut(&code)
            .ok_or((StatusCode::BAD_REQUEST, "invalid_grant", "unknown code"))?;
    if grant.used {
        return Err((
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "code already used",
        ));
    }
    grant.used = true;
    let behaviour = state.behaviour.lock().unwrap();
    if grant.issued.elapsed() > behaviour.code_ttl {
        return Err((StatusCode::BAD_REQUEST, "invalid_grant", "code expired"));
    }
    if form.get("redirect_uri") != Some(&grant.redirect_uri) {
        return Err((
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "redirect_uri mismatch",
        ));
    }
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    if URL_SAFE_NO_PAD.encode(digest) != grant.challenge {
        return Err((
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "PKCE verification failed",
        ));
    }
    let access_token = format!("oat_{}", state.serial.fetch_add(1, Ordering::SeqCst));
    state
        .access_tokens
        .lock()
        .unwrap()
        .insert(access_token.clone(), behaviour.user.clone());
    let mut body = json!({
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": 7200,
        "refresh_token": format!("ort_{access_token}"),
        "scope": grant.scope,
        "clerk_instance": "ins_test",
    });
    if grant.scope.split(' ').any(|s| s == "openid") && behaviour.id_token != IdTokenMode::Missing {
        let issuer = state.issuer.lock().unwrap().clone();
        body["id_token"] = Value::from(id_token(&behaviour, &issuer, &grant.nonce));
    }
    Ok(body)
}

fn id_token(behaviour: &Behaviour, issuer: &str, nonce: &str) -> String {
    let now = jsonwebtoken::get_current_timestamp();
    let mode = behaviour.id_token;
    let mut claims = json!({
        "iss": if mode == IdTokenMode::WrongIssuer { "https://other.example.test" } else { issuer },
        "aud": if mode == IdTokenMode::WrongAudience { "someone_else" } else { CLIENT_ID },
        "sub": behaviour.user["user_id"],
        "iat": now,
        "exp": if mode == IdTokenMode::Expired { now - 3600 } else { now + 600 },
        "nonce": if mode == IdTokenMode::WrongNonce { "not-the-nonce" } else { nonce },
        "email": behaviour.user["email"],
    });
    claims["auth_time"] = Value::from(now);
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.into());
    let key = match mode {
        IdTokenMode::Forged => EncodingKey::from_rsa_pem(FORGER_KEY.as_bytes()),
        IdTokenMode::Hs256 => {
            header.alg = Algorithm::HS256;
            Ok(EncodingKey::from_secret(CLIENT_SECRET.as_bytes()))
        }
        _ => EncodingKey::from_rsa_pem(PROVIDER_KEY.as_bytes()),
    };
    jsonwebtoken::encode(&header, &claims, &key.unwrap()).unwrap()
}

async fn userinfo(State(state): State<Arc<ProviderState>>, headers: HeaderMap) -> Response {
    state.counts.userinfo.fetch_add(1, Ordering::SeqCst);
    let delay = state.behaviour.lock().unwrap().userinfo_delay;
    tokio::time::sleep(delay).await;
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    match state.access_tokens.lock().unwrap().get(token) {
        Some(user) => Json(user.clone()).into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_token"})),
        )
            .into_response(),
    }
}

async fn jwks(State(state): State<Arc<ProviderState>>) -> Json<Value> {
    state.counts.jwks.fetch_add(1, Ordering::SeqCst);
    let der = pem_to_der(PROVIDER_KEY);
    let pair = ring::rsa::KeyPair::from_pkcs8(&der).expect("PKCS#8 RSA key");
    let public = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(pair.public());
    Json(json!({"keys": [{
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID,
        "n": URL_SAFE_NO_PAD.encode(&public.n),
        "e": URL_SAFE_NO_PAD.encode(&public.e),
    }]}))
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).expect("PEM body is base64")
}

fn urlencode(value: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", [("v", value)])
        .unwrap()
        .query()
        .unwrap()[2..]
        .to_owned()
}
