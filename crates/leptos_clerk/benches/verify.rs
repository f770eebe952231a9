//! Session-token verification throughput on one core: cold (every token new,
//! one RSA-2048 verification each), warm (the verified-token cache) and refused (a signed M2M
//! token: the token-kind rules refuse it before any RSA operation).
//!
//! `cargo bench -p leptos_clerk --features ssr --bench verify`

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use leptos_clerk::server::{Clerk, ClerkConfig};
use serde_json::json;

const PRIVATE_KEY: &str = include_str!("../tests/fixtures/test_only_rsa_a_private.pem");
const PUBLIC_KEY: &str = include_str!("../tests/fixtures/test_only_rsa_a_public.pem");
const UNIQUE_TOKENS: usize = 2_000;
const CACHED_ROUNDS: usize = 200_000;

fn tokens(count: usize) -> Vec<String> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let key = EncodingKey::from_rsa_pem(PRIVATE_KEY.as_bytes()).unwrap();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("bench".into());
    (0..count)
        .map(|i| {
            let claims = json!({
                "sub": format!("user_{i}"), "sid": format!("sess_{i}"),
                "iss": "https://clerk.localhost", "azp": "http://localhost:3000",
                "iat": now, "nbf": now - 10, "exp": now + 600, "v": 2,
                "o": {"id": "org_1", "rol": "admin", "per": "read,manage", "fpm": "3"}, "fea": "o:reports"
            });
            jsonwebtoken::encode(&header, &claims, &key).unwrap()
        })
        .collect()
}

/// A machine-to-machine token of the same instance (header `cat` `cl_B7d4PD333AAA`).
fn m2m_token() -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": "bench", "cat": "cl_B7d4PD333AAA"});
    let claims = json!({"sub": "mch_bench", "iss": "https://clerk.localhost", "exp": u32::MAX});
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let key = EncodingKey::from_rsa_pem(PRIVATE_KEY.as_bytes()).unwrap();
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::RS256).unwrap();
    format!("{message}.{signature}")
}

fn report(label: &str, count: usize, elapsed: Duration) {
    let per_second = count as f64 / elapsed.as_secs_f64();
    let micros = elapsed.as_secs_f64() * 1e6 / count as f64;
    println!("{label:<34} {count:>8} tokens  {per_second:>12.0} verifications/s/core  {micros:>8.2} µs each");
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut config = ClerkConfig::new("pk_test_Y2xlcmsubG9jYWxob3N0JA", "sk_test_bench");
    config.jwt_key = Some(PUBLIC_KEY.into());
    config.authorized_parties = vec!["http://localhost:3000".into()];
    let clerk = Clerk::new(config).unwrap();
    let tokens = tokens(UNIQUE_TOKENS);

    let started = Instant::now();
    for token in &tokens {
        runtime.block_on(clerk.verify_token(token)).unwrap();
    }
    report(
        "cold (unique tokens, RSA each)",
        tokens.len(),
        started.elapsed(),
    );

    let started = Instant::now();
    for round in 0..CACHED_ROUNDS {
        let token = &tokens[round % tokens.len()];
        runtime.block_on(clerk.verify_token(token)).unwrap();
    }
    report(
        "warm (verified-token cache hits)",
        CACHED_ROUNDS,
        started.elapsed(),
    );

    let m2m = m2m_token();
    let started = Instant::now();
    for _ in 0..CACHED_ROUNDS {
        runtime.block_on(clerk.verify_token(&m2m)).unwrap_err();
    }
    report(
        "refused (M2M token, no RSA)",
        CACHED_ROUNDS,
        started.elapsed(),
    );
}
