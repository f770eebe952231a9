//! Sealed cookies: AES-256-GCM (the `cookie` crate's private jar), one key per session secret.
//!
//! The cookie name is authenticated with the value, so a sealed pending-login cookie cannot be
//! replayed as a session cookie. Opening tries every key, newest first, and reports when an
//! older key matched so the caller can re-seal with the newest.

use cookie::{Cookie, CookieJar, Key, SameSite};
use http::header::{HeaderMap, HeaderValue};

use super::config::ClerkOAuthConfig;
use crate::server::cookies::CookieJar as RequestCookies;

/// A domain separator so the same `SESSION_SECRET` used elsewhere gives different keys here.
const KEY_CONTEXT: &[u8] = b"leptos_clerk.oauth.cookie.v1\0";

/// Keys for sealing cookies plus the attributes every cookie gets.
pub(crate) struct CookieSealer {
    keys: Vec<Key>,
    secure: bool,
}

/// A successfully opened cookie.
pub(crate) struct Opened {
    /// The plaintext value.
    pub value: String,
    /// True when an older key matched: re-seal with the newest.
    pub stale_key: bool,
}

/// What a request carried under a cookie name.
pub(crate) enum CookieRead {
    /// No such cookie.
    Absent,
    /// Present but no key opens it (tampered, truncated, or sealed with a retired secret).
    Invalid,
    /// Opened.
    Valid(Opened),
}

impl CookieSealer {
    /// Derives one AES-GCM key per session secret.
    pub(crate) fn new(config: &ClerkOAuthConfig) -> Self {
        let keys = config
            .session_secrets
            .0
            .iter()
            .map(|secret| {
                let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
                ctx.update(KEY_CONTEXT);
                ctx.update(secret);
                Key::derive_from(ctx.finish().as_ref())
            })
            .collect();
        Self {
            keys,
            secure: config.secure_cookies(),
        }
    }

    /// Encrypts `value` with the newest key; returns the cookie value.
    pub(crate) fn seal(&self, name: &str, value: &str) -> String {
        let mut jar = CookieJar::new();
        jar.private_mut(&self.keys[0])
            .add(Cookie::new(name.to_owned(), value.to_owned()));
        jar.get(name)
            .map(|c| c.value().to_owned())
            .unwrap_or_default()
    }

    /// Decrypts a cookie value, trying every key, newest first.
    pub(crate) fn open(&self, name: &str, sealed: &str) -> Option<Opened> {
        self.keys.iter().enumerate().find_map(|(index, key)| {
            let mut jar = CookieJar::new();
            jar.add_original(Cookie::new(name.to_owned(), sealed.to_owned()));
            jar.private(key).get(name).map(|cookie| Opened {
                value: cookie.value().to_owned(),
                stale_key: index > 0,
            })
        })
    }

    /// Reads and opens the cookie `name` from request headers.
    pub(crate) fn read(&self, headers: &HeaderMap, name: &str) -> CookieRead {
        let jar = RequestCookies::from_headers(headers);
        let Some(sealed) = jar.get(name) else {
            return CookieRead::Absent;
        };
        match self.open(name, sealed) {
            Some(opened) => CookieRead::Valid(opened),
            None => CookieRead::Invalid,
        }
    }

    /// A `Set-Cookie` value storing `value` sealed under `name` for `max_age_secs`.
    pub(crate) fn set_cookie(&self, name: &str, value: &str, max_age_secs: u64) -> HeaderValue {
        let sealed = self.seal(name, value);
        if sealed.len() > 4000 {
            tracing::warn!(
                cookie = name,
                bytes = sealed.len(),
                "sealed cookie exceeds 4 KB"
            );
        }
        let age = cookie::time::Duration::seconds(max_age_secs.min(i64::MAX as u64) as i64);
        self.header(Cookie::build((name.to_owned(), sealed)).max_age(age))
    }

    /// A `Set-Cookie` value deleting `name`.
    pub(crate) fn clear_cookie(&self, name: &str) -> HeaderValue {
        let build = Cookie::build((name.to_owned(), ""))
            .max_age(cookie::time::Duration::ZERO)
            .expires(cookie::time::OffsetDateTime::UNIX_EPOCH);
        self.header(build)
    }

    fn header(&self, build: cookie::CookieBuilder<'static>) -> HeaderValue {
        let cookie = build
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .path("/");
        // Sealed values are base64 and names are validated tokens, so this cannot fail.
        HeaderValue::from_str(&cookie.build().to_string())
            .unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
