//! Reading Clerk's cookies from the `Cookie` header(s), with the suffixed
//! names (`__session_<suffix>`) and Clerk's rules for which set to trust.

// Public to the fuzz targets (feature `fuzzing`, `crate::server::fuzzing`); with that feature on,
// `unreachable_pub` checks this module like every other.
#![cfg_attr(not(feature = "fuzzing"), allow(unreachable_pub))]

use std::borrow::Cow;
use std::sync::Arc;

use http::HeaderMap;
use percent_encoding::percent_decode_str;

use super::claims::SessionClaims;
use super::keys::InstanceType;
use super::token_kind::NotASessionToken;
#[cfg(any(test, feature = "fuzzing"))]
use super::verify::peek_claims;
use super::verify::PeekedClaims;

/// The session token cookie.
pub(super) const SESSION: &str = "__session";
/// The last sign-in/out time of the client, in seconds (0 = signed out).
pub(super) const CLIENT_UAT: &str = "__client_uat";
/// The development-browser token (development instances).
pub(super) const DEV_BROWSER: &str = "__clerk_db_jwt";
/// The legacy handshake token.
pub(super) const HANDSHAKE: &str = "__clerk_handshake";
/// The handshake nonce.
pub(super) const HANDSHAKE_NONCE: &str = "__clerk_handshake_nonce";
/// The handshake redirect loop counter.
pub(super) const REDIRECT_COUNT: &str = "__clerk_redirect_count";

/// Most cookies read from one request (the rest are ignored).
const MAX_COOKIES: usize = 256;

/// All cookies of a request by name, borrowed from its `Cookie` header(s); the
/// first occurrence of a name wins and values are percent-decoded.
#[derive(Clone, Debug, Default)]
pub struct CookieJar<'a>(Vec<(&'a str, Cow<'a, str>)>);

impl<'a> CookieJar<'a> {
    /// Parses every `Cookie` header.
    pub fn from_headers(headers: &'a HeaderMap) -> Self {
        let mut jar = CookieJar::default();
        for header in headers.get_all(http::header::COOKIE) {
            if let Ok(header) = header.to_str() {
                jar.add_header(header);
            }
        }
        jar
    }

    /// Parses one `Cookie` header value (`a=1; b=2`).
    #[cfg(any(test, feature = "fuzzing"))]
    pub fn parse(header: &'a str) -> Self {
        let mut jar = CookieJar::default();
        jar.add_header(header);
        jar
    }

    fn add_header(&mut self, header: &'a str) {
        for pair in header.split(';') {
            if self.0.len() >= MAX_COOKIES {
                return;
            }
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let name = name.trim();
            if name.is_empty() || self.0.iter().any(|(known, _)| *known == name) {
                continue;
            }
            let value = value.trim().trim_matches('"');
            // Session tokens never contain `%`: borrowed as they are, no copy.
            let value = if value.contains('%') {
                Cow::Owned(percent_decode_str(value).decode_utf8_lossy().into_owned())
            } else {
                Cow::Borrowed(value)
            };
            self.0.push((name, value));
        }
    }

    /// A cookie by name (empty values count as absent).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.find(|known| known == name)
    }

    /// The cookie `{name}_{suffix}` (empty values count as absent), found without building
    /// its name.
    pub fn get_suffixed(&self, name: &str, suffix: &str) -> Option<&str> {
        self.find(|known| {
            known.len() == name.len() + 1 + suffix.len()
                && known.starts_with(name)
                && known.as_bytes()[name.len()] == b'_'
                && known.ends_with(suffix)
        })
    }

    fn find(&self, matches: impl Fn(&str) -> bool) -> Option<&str> {
        self.0
            .iter()
            .find(|(known, _)| matches(known))
            .map(|(_, value)| value.as_ref())
            .filter(|v| !v.is_empty())
    }
}

/// The Clerk cookies of a request, after suffix selection.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClerkCookies {
    /// `__session[_suffix]`.
    pub session: Option<Arc<str>>,
    /// What was read from `session` before verification (its payload is decoded
    /// at most once, and not at all when the verified-token cache knew it).
    pub session_claims: Option<PeekedClaims>,
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
    #[cfg(any(test, feature = "fuzzing"))]
    pub fn read(
        jar: &CookieJar<'_>,
        suffix: &str,
        frontend_api: &str,
        instance: InstanceType,
        now: i64,
    ) -> Self {
        Self::read_with(jar, suffix, frontend_api, instance, now, peek_claims)
    }

    /// [`ClerkCookies::read`] with the session tokens' `iss`/`iat`/`exp` read by `peek`
    /// (e.g. from the verified-token cache before decoding the token).
    pub fn read_with(
        jar: &CookieJar<'_>,
        suffix: &str,
        frontend_api: &str,
        instance: InstanceType,
        now: i64,
        peek: impl Fn(&str) -> Option<PeekedClaims>,
    ) -> Self {
        let choice = choose_cookie_set(jar, suffix, frontend_api, instance, now, peek);
        let pick = |name: &str| {
            if choice.suffixed {
                jar.get_suffixed(name, suffix)
            } else {
                jar.get(name)
            }
        };
        ClerkCookies {
            session: pick(SESSION).map(Arc::from),
            session_claims: choice.session_claims,
            client_uat: pick(CLIENT_UAT).and_then(|v| v.parse().ok()).unwrap_or(0),
            dev_browser: pick(DEV_BROWSER).map(str::to_owned),
            handshake: jar.get(HANDSHAKE).map(str::to_owned),
            handshake_nonce: jar.get(HANDSHAKE_NONCE).map(str::to_owned),
            redirect_count: jar
                .get(REDIRECT_COUNT)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            uses_suffixed: choice.suffixed,
        }
    }

    /// The unverified `iat` of `session` (for the `iat < __client_uat` check).
    pub fn session_iat(&self) -> Option<i64> {
        self.session_claims.as_ref().and_then(|claims| claims.iat)
    }

    /// Why `session` is not a session token, when its unverified header and payload say so.
    pub fn session_kind_error(&self) -> Option<NotASessionToken> {
        self.session_claims.as_ref()?.not_a_session_token
    }

    /// The verified claims of `session`, when the verified-token cache knew it.
    pub fn session_verified(&self) -> Option<Arc<SessionClaims>> {
        self.session_claims.as_ref()?.verified.clone()
    }
}

/// Which cookie set to trust, with the unverified claims of its session token
/// (each token's payload is decoded at most once per request).
struct CookieSetChoice {
    suffixed: bool,
    session_claims: Option<PeekedClaims>,
}

/// Clerk's `usesSuffixedCookies` decision.
fn choose_cookie_set(
    jar: &CookieJar<'_>,
    suffix: &str,
    frontend_api: &str,
    instance: InstanceType,
    now: i64,
    peek: impl Fn(&str) -> Option<PeekedClaims>,
) -> CookieSetChoice {
    let suffixed_uat = jar.get_suffixed(CLIENT_UAT, suffix);
    let uat = jar.get(CLIENT_UAT);
    let suffixed_session = jar.get_suffixed(SESSION, suffix);
    let session = jar.get(SESSION);
    let session_claims = session.and_then(&peek);
    // Decoded only when the decision needs it (most requests carry no suffixed cookies).
    let suffixed_claims = || suffixed_session.and_then(&peek);
    let unsuffixed = |session_claims| CookieSetChoice {
        suffixed: false,
        session_claims,
    };
    let suffixed = |suffixed_claims| CookieSetChoice {
        suffixed: true,
        session_claims: suffixed_claims,
    };
    if session.is_some() {
        let iss = session_claims.as_ref().and_then(PeekedClaims::issuer);
        let Some(iss) = iss.filter(|i| !i.is_empty()) else {
            return unsuffixed(session_claims);
        };
        let host = iss
            .strip_prefix("https://")
            .or_else(|| iss.strip_prefix("http://"))
            .unwrap_or(iss);
        if host != frontend_api {
            return suffixed(suffixed_claims());
        }
    }
    if suffixed_uat.is_none() && suffixed_session.is_none() {
        return unsuffixed(session_claims);
    }
    let suffixed_claims = suffixed_claims();
    let iat = |c: &Option<PeekedClaims>| c.as_ref().and_then(|c| c.iat).unwrap_or(0);
    if suffixed_uat != Some("0") && uat != Some("0") && iat(&session_claims) > iat(&suffixed_claims)
    {
        return unsuffixed(session_claims);
    }
    if suffixed_uat == Some("0") && uat != Some("0") {
        return unsuffixed(session_claims);
    }
    if instance != InstanceType::Production {
        let suffixed_expired = suffixed_claims
            .as_ref()
            .is_some_and(|c| c.exp.unwrap_or(0) <= now);
        if suffixed_uat != Some("0") && uat == Some("0") && suffixed_expired {
            return unsuffixed(session_claims);
        }
    }
    if suffixed_uat.is_none() && suffixed_session.is_some() {
        unsuffixed(session_claims)
    } else {
        suffixed(suffixed_claims)
    }
}

#[cfg(test)]
#[path = "cookies_tests.rs"]
mod tests;
