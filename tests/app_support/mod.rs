//! Shared set-up of the app-level tests: the real router, either with a Clerk configuration
//! built in code (no process environment) or, with the `dev-instance` feature, the whole app with
//! its local Clerk dev instance ([`start`]), served on 127.0.0.1:0.
#![allow(dead_code)] // each test binary uses a part

use std::net::SocketAddr;
use std::time::Duration;

use leptos::config::LeptosOptions;
use leptos_clerk::server::{Clerk, ClerkConfig};

// The app's library crate (renamed with the project).{%- if false %}
use leptos_clerk_starter::server;
// {% endif %}{{nl}}use {{crate_name}}::server;

/// The development publishable key of the fixtures (Frontend API host `clerk.localhost`).
pub const PK_TEST: &str = "pk_test_Y2xlcmsubG9jYWxob3N0JA";
/// A secret key of the same (fake) instance.
pub const SECRET: &str = "sk_test_app_fixture_secret";
/// The fixtures' test-only RSA public key (PEM) and the same key as a JWKS entry.
pub const PUBLIC_A: &str =
    include_str!("../../crates/leptos_clerk/tests/fixtures/test_only_rsa_a_public.pem");
/// [`PUBLIC_A`] as a JWK.
pub const JWK_A: &str =
    include_str!("../../crates/leptos_clerk/tests/fixtures/test_only_jwk_a.json");

/// The fixtures' test-only RSA private key: the pair of [`PUBLIC_A`], which `pem_config` trusts.
pub const PRIVATE_A: &str =
    include_str!("../../crates/leptos_clerk/tests/fixtures/test_only_rsa_a_private.pem");

/// A token with JOSE header `header` over `claims`, signed RS256 with [`PRIVATE_A`].
pub fn signed(header: serde_json::Value, claims: serde_json::Value) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(PRIVATE_A.as_bytes()).unwrap();
    let signature =
        jsonwebtoken::crypto::sign(message.as_bytes(), &key, jsonwebtoken::Algorithm::RS256)
            .unwrap();
    format!("{message}.{signature}")
}

/// A fresh session token's claims with `changes` merged in.
pub fn claims(changes: serde_json::Value) -> serde_json::Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut claims = serde_json::json!({
        "sub": "user_1", "sid": "sess_1", "iss": "https://clerk.localhost",
        "iat": now - 1, "nbf": now - 1, "exp": now + 60, "sts": "active"
    });
    for (name, value) in changes.as_object().unwrap() {
        claims[name] = value.clone();
    }
    claims
}

/// A development-instance configuration whose Backend API is `api_url`.
pub fn config(api_url: &str) -> ClerkConfig {
    let mut config = ClerkConfig::new(PK_TEST, SECRET);
    config.api_url = api_url.into();
    config.http_timeout = Duration::from_millis(500);
    config
}

/// [`config`] with networkless verification (`CLERK_JWT_KEY`).
pub fn pem_config() -> ClerkConfig {
    let mut config = config("http://127.0.0.1:9");
    config.jwt_key = Some(PUBLIC_A.into());
    config
}

/// The Clerk pieces of the router for `config`: real keys, no dev instance, no OAuth.
pub fn setup(config: ClerkConfig) -> server::ClerkSetup {
    server::ClerkSetup::from(Clerk::new(config).expect("valid test configuration"))
}

/// Site options for a server on `addr`.
pub fn leptos_options(addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(env!("CARGO_PKG_NAME"))
        .site_root("target/site")
        .site_addr(addr)
        .build()
}

/// An address on 127.0.0.1 that refuses connections (bound, then released).
pub async fn closed_address() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

/// The running app.
#[cfg(dev_instance)]
pub struct App {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The dev instance's generated secret key (its Backend API's bearer token).
    pub secret_key: String,
}

/// Starts the app with its dev instance storing into `data_dir`; no Clerk keys, so the dev
/// instance (and its OAuth application) is used. Call it once per test binary: it sets the
/// process environment.
#[cfg(dev_instance)]
pub async fn start(data_dir: &std::path::Path) -> App {
    std::env::set_var("CLERK_DEV_DATA_DIR", data_dir);
    for name in [
        "CLERK_PUBLISHABLE_KEY",
        "CLERK_SECRET_KEY",
        "CLERK_OAUTH_CLIENT_ID",
    ] {
        std::env::remove_var(name);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let clerk = server::setup_clerk(addr).expect("clerk set-up with the dev instance");
    // What else the dev instance enables.{%- if with_oauth %}
    #[cfg(feature = "oauth")]
    assert!(clerk.oauth.is_some(), "the dev instance enables OAuth"); // {%- endif %}
    let secret_key = clerk.dev_instance.as_ref().unwrap().secret_key();
    let router = server::build_router(leptos_options(addr), clerk);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    App {
        base: format!("http://{addr}"),
        secret_key,
    }
}
