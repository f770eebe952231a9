//! Test harness: the instance nested at `/__clerk` in a real axum server on 127.0.0.1:0, and a
//! reqwest client that talks to it the way ClerkJS does (form bodies, `_method` tunnelling,
//! cookies, the version query parameters, an `Origin` header).
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use clerk_dev_instance::{DevInstance, DevInstanceConfig};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::header::{HeaderMap, HeaderValue, ORIGIN};
use serde_json::Value;

pub const DEMO_EMAIL: &str = "demo@example.com";
pub const DEMO_PASSWORD: &str = "correct-horse-battery";

/// A running app with the instance nested at `/__clerk`.
pub struct TestApp {
    pub base: String,
    pub instance: DevInstance,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The config used by the tests for `data_dir` and `origin`.
pub fn config(data_dir: &Path, origin: &str) -> DevInstanceConfig {
    let mut config = DevInstanceConfig::new(data_dir, vec![origin.to_string()]);
    config.demo_user = Some((DEMO_EMAIL.to_string(), DEMO_PASSWORD.to_string()));
    config
}

/// Starts an app on a fresh port with the instance stored in `data_dir`.
pub async fn start(data_dir: &Path) -> TestApp {
    start_with(data_dir, |c| c).await
}

/// Like [`start`], letting the test adjust the config.
pub async fn start_with(
    data_dir: &Path,
    adjust: impl FnOnce(DevInstanceConfig) -> DevInstanceConfig,
) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let instance = DevInstance::open(adjust(config(data_dir, &base))).expect("open instance");
    let app = axum::Router::new().nest("/__clerk", instance.router());
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    TestApp {
        base,
        instance,
        server,
    }
}

/// A browser-like client: cookie jar, `Origin` of the app, no redirects followed.
pub fn browser(app: &TestApp) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert(ORIGIN, HeaderValue::from_str(&app.base).expect("origin"));
    reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// Calls FAPI `path` like ClerkJS: PATCH/DELETE tunnelled as POST + `_method`, form body.
pub async fn fapi(
    client: &reqwest::Client,
    app: &TestApp,
    method: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let separator = if path.contains('?') { '&' } else { '?' };
    let mut url = format!(
        "{}/__clerk{path}{separator}__clerk_api_version=2025-11-10&_clerk_js_version=6.40.0",
        app.base
    );
    let request = match method {
        "GET" => client.get(&url),
        "POST" => client.post(&url).form(form),
        tunnelled => {
            url.push_str(&format!("&_method={tunnelled}"));
            client.post(&url).form(form)
        }
    };
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

/// The first error code of a Clerk error envelope.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["code"]
        .as_str()
        .unwrap_or("<no error code>")
}

/// Fetches `/__clerk/v1/jwks` and verifies `token` (RS256, issuer, expiry) against it.
pub async fn verify_token(app: &TestApp, token: &str) -> Value {
    let jwks: Value = reqwest::get(format!("{}/__clerk/v1/jwks", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = jsonwebtoken::decode_header(token).expect("header");
    assert_eq!(header.alg, Algorithm::RS256);
    let kid = header.kid.expect("kid");
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .expect("kid in jwks");
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .expect("key");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&["https://clerk.localhost"]);
    validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "sub"]);
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .expect("valid token")
        .claims
}

/// Signs in with email + password in one call (as `<SignIn/>` does); returns the session id.
pub async fn sign_in(
    client: &reqwest::Client,
    app: &TestApp,
    email: &str,
    password: &str,
) -> String {
    let (status, body) = fapi(
        client,
        app,
        "POST",
        "/v1/client/sign_ins",
        &[
            ("identifier", email),
            ("password", password),
            ("strategy", "password"),
        ],
    )
    .await;
    assert_eq!(status, 200, "sign-in failed: {body}");
    assert_eq!(body["response"]["status"], "complete");
    body["response"]["created_session_id"]
        .as_str()
        .expect("session id")
        .to_string()
}

/// The most recent verification code for `email` as listed on the `/dev` page.
pub async fn code_from_dev_page(app: &TestApp, email: &str) -> String {
    let html = reqwest::get(format!("{}/__clerk/dev", app.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = format!("<td class=\"email\">{email}</td><td class=\"code\">");
    let start = html.find(&marker).expect("code on dev page") + marker.len();
    html[start..start + 6].to_string()
}

/// `GET /v1/clients/handshake_payload?nonce=…` on the Backend API with the secret key: the
/// status and the JSON body (`{"directives": [...]}`).
pub async fn handshake_payload(app: &TestApp, nonce: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(format!(
            "{}/clients/handshake_payload",
            app.instance.backend_api_url(&app.base) + "/v1"
        ))
        .query(&[("nonce", nonce)])
        .bearer_auth(app.instance.secret_key())
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}
