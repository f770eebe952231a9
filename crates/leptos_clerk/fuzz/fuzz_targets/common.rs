//! What the targets share: a current-thread runtime and a networkless `Clerk`.

use std::sync::LazyLock;

use leptos_clerk::server::{Clerk, ClerkConfig};

const PUBLIC_KEY: &str = include_str!("../../tests/fixtures/test_only_rsa_a_public.pem");

/// The runtime the async calls are driven on.
pub static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
});

/// A `Clerk` for `publishable_key` that verifies with the test key A (no JWKS fetch).
pub fn clerk(publishable_key: &str, secret_key: &str) -> Clerk {
    let mut config = ClerkConfig::new(publishable_key, secret_key);
    config.jwt_key = Some(PUBLIC_KEY.into());
    // A closed loopback port: handshake-payload calls fail fast.
    config.api_url = "http://127.0.0.1:9".into();
    Clerk::new(config).unwrap()
}
