//! Small helpers: random identifiers, clocks, cookies and origins.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::http::HeaderMap;
use rand::distributions::Alphanumeric;
use rand::Rng;

/// A Clerk-style identifier: `prefix_` followed by 24 random alphanumeric characters.
pub(crate) fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_token(24))
}

/// `len` random alphanumeric characters from the operating system's RNG.
pub(crate) fn random_token(len: usize) -> String {
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// A random six-digit verification code.
pub(crate) fn random_code() -> String {
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
}

/// Milliseconds since the Unix epoch (Clerk's JSON timestamps).
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Seconds since the Unix epoch (JWT claims, `__client_uat`).
pub(crate) fn now_secs() -> i64 {
    now_ms() / 1000
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The origin of a URL such as `http://localhost:3000/path?x` (`scheme://authority`).
pub(crate) fn origin_of(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")?;
    let rest = &url[scheme_end + 3..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&url[..scheme_end + 3 + authority_len])
}

/// Compares two strings in time independent of where they first differ.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Inserts into a map that holds at most `cap` entries: when it is full, the entry created
/// longest ago (by `born`) is dropped first. Callers drop expired entries themselves.
pub(crate) fn insert_capped<V>(
    map: &mut HashMap<String, V>,
    cap: usize,
    key: String,
    value: V,
    born: impl Fn(&V) -> Instant,
) {
    while map.len() >= cap.max(1) && !map.contains_key(&key) {
        let oldest = map
            .iter()
            .min_by_key(|(_, v)| born(v))
            .map(|(k, _)| k.clone());
        match oldest {
            Some(oldest) => map.remove(&oldest),
            None => break,
        };
    }
    map.insert(key, value);
}

/// Writes `bytes` to `path`, readable only by the owner (0600 on Unix).
pub(crate) fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)
}
