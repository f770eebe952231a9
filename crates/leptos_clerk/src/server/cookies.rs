//! Reading Clerk's cookies from the `Cookie` header(s), with the suffixed
//! names (`__session_<suffix>`) and Clerk's rules for which set to trust.

use std::collections::HashMap;

use http::HeaderMap;
use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::keys::InstanceType;
use super::verify::decode_unverified;

/// The session token cookie.
pub const SESSION: &str = "__session";
/// The last sign-in/out time of the client, in seconds (0 = signed out).
pub const CLIENT_UAT: &str = "__client_uat";
/// The development-browser token (development instances).
pub const DEV_BROWSER: &str = "__clerk_db_jwt";
/// The legacy handshake token.
pub const HANDSHAKE: &str = "__clerk_handshake";
/// The handshake nonce.
pub const HANDSHAKE_NONCE: &str = "__clerk_handshake_nonce";
/// The handshake redirect loop counter.
pub const REDIRECT_COUNT: &str = "__clerk_redirect_count";

/// Most cookies read from one request (the rest are ignored).
const MAX_COOKIES: usize = 256;

/// All cookies of a request by name; the first occurrence of a name wins and
/// values are percent-decoded.
#[derive(Clone, Debug, Default)]
pub struct CookieJar(HashMap<String, String>);

impl CookieJar {
    /// Parses every `Cookie` header.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut jar = CookieJar::default();
        for header in headers.get_all(http::header::COOKIE) {
            if let Ok(header) = header.to_str() {
                jar.add_header(header);
            }
        }
        jar
    }

    /// Parses one `Cookie` header value (`a=1; b=2`).
    pub fn parse(header: &str) -> Self {
        let mut jar = CookieJar::default();
        jar.add_header(header);
        jar
    }

    fn add_header(&mut self, header: &str) {
        for pair in header.split(';') {
            if self.0.len() >= MAX_COOKIES {
                return;
            }
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let name = name.trim();
            if name.is_empty() || self.0.contains_key(name) {
                continue;
            }
            let value = value.trim().trim_matches('"');
            // Session tokens never contain `%`: skip the decoder's copy and UTF-8 re-check.
            let value = if value.contains('%') {
                percent_decode_str(value).decode_utf8_lossy().into_owned()
            } else {
                value.to_owned()
            };
            self.0.insert(name.to_owned(), value);
        }
    }

    /// A cookie by name (empty values count as absent).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// The Clerk cookies of a request, after suffix selection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClerkCookies {
    /// `__session[_suffix]`.
    pub session: Option<String>,
    /// `__client_uat[_suffix]` as seconds (0 when absent or malformed).
    pub client_uat: i64,
    /// `__clerk_db_jwt[_suffix]`.
    pub dev_browser: Option<String>,
    /// `__clerk_handshake`.
    pub handshake: Option<String>,
    /// `__clerk_handshake_nonce`.
    pub handshake_nonce: Option<String>,
    /// `__clerk_redirect_count`.
    pub redirect_count: u32,
    /// Whether the suffixed set was chosen.
    pub uses_suffixed: bool,
}

impl ClerkCookies {
    /// Reads Clerk's cookies from `jar`. `frontend_api` is the real Frontend API
    /// host of the publishable key, `now` the current time in seconds.
    pub fn read(
        jar: &CookieJar,
        suffix: &str,
        frontend_api: &str,
        instance: InstanceType,
        now: i64,
    ) -> Self {
        let suffixed = |name: &str| jar.get(&format!("{name}_{suffix}")).map(str::to_owned);
        let uses_suffixed = uses_suffixed_cookies(jar, suffix, frontend_api, instance, now);
        let pick = |name: &str| {
            if uses_suffixed {
                suffixed(name)
            } else {
                jar.get(name).map(str::to_owned)
            }
        };
        ClerkCookies {
            session: pick(SESSION),
            client_uat: pick(CLIENT_UAT).and_then(|v| v.parse().ok()).unwrap_or(0),
            dev_browser: pick(DEV_BROWSER),
            handshake: jar.get(HANDSHAKE).map(str::to_owned),
            handshake_nonce: jar.get(HANDSHAKE_NONCE).map(str::to_owned),
            redirect_count: jar
                .get(REDIRECT_COUNT)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            uses_suffixed,
        }
    }
}

fn claim_i64(payload: &Option<Value>, name: &str) -> i64 {
    payload
        .as_ref()
        .and_then(|p| p.get(name))
        .and_then(Value::as_f64)
        .unwrap_or(0.0) as i64
}

/// Clerk's `usesSuffixedCookies` decision.
fn uses_suffixed_cookies(
    jar: &CookieJar,
    suffix: &str,
    frontend_api: &str,
    instance: InstanceType,
    now: i64,
) -> bool {
    let suffixed_uat = jar.get(&format!("{CLIENT_UAT}_{suffix}"));
    let uat = jar.get(CLIENT_UAT);
    let suffixed_session = jar.get(&format!("{SESSION}_{suffix}"));
    let session = jar.get(SESSION);
    let session_payload = session.and_then(decode_unverified);
    if session.is_some() {
        let iss = session_payload
            .as_ref()
            .and_then(|p| p.get("iss"))
            .and_then(Value::as_str);
        let Some(iss) = iss.filter(|i| !i.is_empty()) else {
            return false;
        };
        let host = iss
            .trim_start_matches("https://")
            .trim_start_matches("http://");
        if host != frontend_api {
            return true;
        }
    }
    if suffixed_uat.is_none() && suffixed_session.is_none() {
        return false;
    }
    let suffixed_payload = suffixed_session.and_then(decode_unverified);
    let session_iat = claim_i64(&session_payload, "iat");
    let suffixed_iat = claim_i64(&suffixed_payload, "iat");
    if suffixed_uat != Some("0") && uat != Some("0") && session_iat > suffixed_iat {
        return false;
    }
    if suffixed_uat == Some("0") && uat != Some("0") {
        return false;
    }
    if instance != InstanceType::Production {
        let suffixed_expired =
            suffixed_payload.is_some() && claim_i64(&suffixed_payload, "exp") <= now;
        if suffixed_uat != Some("0") && uat == Some("0") && suffixed_expired {
            return false;
        }
    }
    !(suffixed_uat.is_none() && suffixed_session.is_some())
}

#[cfg(test)]
#[path = "cookies_tests.rs"]
mod tests;
