//! Entry point of the `oauth_cookies` cargo-fuzz target (feature `fuzzing`; not an API):
//! the sealed cookies of "Sign in with Clerk" read from attacker-controlled `Cookie` headers.

use std::collections::HashMap;
use std::sync::LazyLock;

use http::header::{HeaderMap, HeaderValue, COOKIE};

use super::config::{
    ClerkOAuthConfig, ENV_CALLBACK_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_DOMAIN,
    ENV_SESSION_SECRET,
};
use super::cookies::CookieRead;
use super::pending::PendingLogin;
use super::session::{decode_user, SessionCookie, SessionStore};

const NEW: &str = "fuzz-secret-new-0123456789abcdef0123456789";
const OLD: &str = "fuzz-secret-old-0123456789abcdef0123456789";

fn store(secrets: &str) -> SessionStore {
    let env = HashMap::from([
        (ENV_DOMAIN, "http://127.0.0.1:9"),
        (ENV_CLIENT_ID, "fuzz_client"),
        (ENV_CLIENT_SECRET, "fuzz_secret"),
        (
            ENV_CALLBACK_URL,
            "http://127.0.0.1:3000/auth/clerk/callback",
        ),
        (ENV_SESSION_SECRET, secrets),
    ]);
    let config = ClerkOAuthConfig::from_lookup(|name| env.get(name).map(|v| (*v).to_owned()));
    SessionStore::new(&config.expect("the fuzzing configuration is valid"))
}

/// The app's store (two secrets, newest first) and one that knows only the old secret.
static STORES: LazyLock<(SessionStore, SessionStore)> =
    LazyLock::new(|| (store(&format!("{NEW},{OLD}")), store(OLD)));

/// Reads `data` as `<Cookie header>\n<plaintext>` and panics when a property breaks: a
/// `Cookie` header from outside never opens; what the server sealed opens to the same text,
/// only under its own name, also after a secret rotation; no parser panics.
pub fn unseal_cookies(data: &[u8]) {
    let (store, old_store) = &*STORES;
    let text = String::from_utf8_lossy(data);
    let (cookie_line, plaintext) = text.split_once('\n').unwrap_or((&text, &text));

    if let Ok(value) = HeaderValue::from_str(cookie_line) {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, value);
        let session = store.read(&headers);
        assert!(!matches!(session, SessionCookie::Valid { .. }), "forged");
        assert!(decode_user::<serde_json::Value>(&session).is_none());
        let pending = store.sealer.read(&headers, &store.pending_name);
        assert!(!matches!(pending, CookieRead::Valid(_)), "forged");
    }

    let sealed = store.sealer.seal(&store.cookie_name, plaintext);
    let opened = store.sealer.open(&store.cookie_name, &sealed);
    let opened = opened.expect("a cookie this server sealed opens");
    assert_eq!(opened.value, plaintext);
    assert!(!opened.stale_key);
    assert!(store.sealer.open(&store.pending_name, &sealed).is_none());

    let rotated = old_store.sealer.seal(&store.pending_name, plaintext);
    let opened = store.sealer.open(&store.pending_name, &rotated);
    assert!(opened.is_some_and(|o| o.stale_key && o.value == plaintext));

    let header = format!("{}={sealed}", store.cookie_name);
    if let Ok(value) = HeaderValue::from_str(&header) {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, value);
        let _ = decode_user::<serde_json::Value>(&store.read(&headers));
    }
    let _ = serde_json::from_str::<PendingLogin>(plaintext);
}
