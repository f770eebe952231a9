//! The handshake: the 307 to the Frontend API that refreshes the session
//! cookies of a document request, and the resolution of its result (a nonce
//! for the Backend API, or a legacy signed handshake token).

// Public to the fuzz targets (feature `fuzzing`, `crate::server::fuzzing`); with that feature on,
// `unreachable_pub` checks this module like every other.
#![cfg_attr(not(feature = "fuzzing"), allow(unreachable_pub))]

use http::header::{ACCEPT, CACHE_CONTROL, LOCATION, SET_COOKIE};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use url::Url;

use super::cookies::{DEV_BROWSER, REDIRECT_COUNT};
use super::reasons::AuthErrorReason;
use super::redirect::{same_origin_path, without_params};

/// Query parameter carrying the handshake nonce.
pub(super) const NONCE_PARAM: &str = "__clerk_handshake_nonce";
/// Query parameter carrying a legacy handshake token.
pub(super) const TOKEN_PARAM: &str = "__clerk_handshake";
/// After this many handshakes in a row the request is signed out instead.
pub(super) const MAX_REDIRECTS: u32 = 3;
/// Most Set-Cookie directives accepted from one handshake.
const MAX_DIRECTIVES: usize = 32;

/// `sec-fetch-dest` (a constant: looking up a `&str` name parses it every time).
const SEC_FETCH_DEST: HeaderName = HeaderName::from_static("sec-fetch-dest");

/// Whether the request loads a page (`sec-fetch-dest: document|iframe`, or no
/// `sec-fetch-dest` and `accept: text/html…`): only those may be redirected.
pub(super) fn is_document_request(headers: &HeaderMap) -> bool {
    let header = |name: HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    match header(SEC_FETCH_DEST) {
        Some(dest) => dest == "document" || dest == "iframe",
        None => header(ACCEPT).is_some_and(|a| a.starts_with("text/html")),
    }
}

/// Whether `nonce` looks like a Clerk handshake nonce (1 to 128 of `A-Z a-z 0-9 _ -`); any
/// other value is ignored without a Backend API call.
pub(crate) fn is_well_formed_nonce(nonce: &str) -> bool {
    (1..=128).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The public URL of the request, like Clerk's `clerkUrl`: scheme and host from the first
/// `x-forwarded-proto` / `x-forwarded-host` values when `trust_forwarded_headers` (set it only
/// behind a proxy that overwrites them: anyone can send them), else from the request itself
/// (`Host`, `http` unless the request target is absolute). The path is made a same-origin
/// path, so no URL built from it can point at another site.
pub(super) fn public_url(
    parts: &http::request::Parts,
    trust_forwarded_headers: bool,
) -> Option<Url> {
    let first = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let forwarded = |name: &str| first(name).filter(|_| trust_forwarded_headers);
    let proto = forwarded("x-forwarded-proto")
        .or(parts.uri.scheme_str())
        .filter(|p| *p == "http" || *p == "https")
        .unwrap_or("http");
    let host = forwarded("x-forwarded-host")
        .or_else(|| first("host"))
        .or(parts.uri.authority().map(|a| a.as_str()))?;
    if host.contains(['/', '?', '#', '@', '\\']) {
        return None;
    }
    let path = same_origin_path(parts.uri.path_and_query().map_or("/", |p| p.as_str()));
    Url::parse(&format!("{proto}://{host}{path}")).ok()
}

/// The path and query of `url` as a same-origin redirect target (leading slashes and
/// backslashes collapsed, so it never reads as `//other.host`).
pub(super) fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => same_origin_path(&format!("{}?{q}", url.path())),
        None => same_origin_path(url.path()),
    }
}

/// What the handshake redirect needs.
pub(super) struct HandshakeRedirect<'a> {
    /// Frontend API base: the proxy URL (resolved against the request origin
    /// when relative) or `https://<frontend api host>`.
    pub fapi_base: String,
    /// The request's public URL.
    pub request_url: &'a Url,
    /// `Clerk-API-Version`.
    pub api_version: &'a str,
    /// Why the handshake happens.
    pub reason: AuthErrorReason,
    /// Whether the suffixed cookie set is in use.
    pub suffixed_cookies: bool,
    /// The dev-browser token (development instances only).
    pub dev_browser: Option<&'a str>,
    /// The current loop counter.
    pub redirect_count: u32,
}

impl HandshakeRedirect<'_> {
    /// The response headers of the 307: `Location`, `Cache-Control: no-store`
    /// and the loop-counter cookie.
    pub(super) fn headers(&self) -> Option<HeaderMap> {
        // `__clerk_synced` is dropped too, so a synced page does not ask again on reload.
        let redirect_url = without_params(
            self.request_url,
            &[DEV_BROWSER, "__dev_session", super::satellite::SYNCED_PARAM],
        );
        let mut location = Url::parse(&format!(
            "{}/v1/client/handshake",
            self.fapi_base.trim_end_matches('/')
        ))
        .ok()?;
        {
            let mut query = location.query_pairs_mut();
            query
                .append_pair("redirect_url", redirect_url.as_str())
                .append_pair("__clerk_api_version", self.api_version)
                .append_pair(
                    "suffixed_cookies",
                    if self.suffixed_cookies {
                        "true"
                    } else {
                        "false"
                    },
                )
                .append_pair("__clerk_hs_reason", self.reason.as_str())
                .append_pair("format", "nonce");
            if let Some(token) = self.dev_browser {
                query.append_pair(DEV_BROWSER, token);
            }
        }
        redirect_headers(&location, self.redirect_count)
    }
}

/// The headers of a loop-guarded 307 to `location`: `Location`,
/// `Cache-Control: no-store` and the loop-counter cookie (`redirect_count + 1`).
pub(super) fn redirect_headers(location: &Url, redirect_count: u32) -> Option<HeaderMap> {
    let mut headers = HeaderMap::new();
    headers.insert(LOCATION, HeaderValue::from_str(location.as_str()).ok()?);
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let counter = format!(
        "{REDIRECT_COUNT}={}; Path=/; SameSite=Lax; HttpOnly; Max-Age=2",
        redirect_count + 1
    );
    headers.append(SET_COOKIE, HeaderValue::from_str(&counter).ok()?);
    Some(headers)
}

/// The Frontend API base URL for handshakes.
pub(super) fn fapi_base(proxy_url: Option<&str>, frontend_api: &str, request_url: &Url) -> String {
    match proxy_url {
        Some(proxy) if proxy.starts_with('/') => {
            let origin = request_url.origin().ascii_serialization();
            format!("{origin}{}", proxy.trim_end_matches('/'))
        }
        Some(proxy) if proxy.starts_with("http://") || proxy.starts_with("https://") => {
            proxy.trim_end_matches('/').to_owned()
        }
        Some(proxy) => format!("https://{}", proxy.trim_end_matches('/')),
        None => format!("https://{frontend_api}"),
    }
}

/// The `handshake` directives of a verified legacy handshake token payload.
pub fn token_directives(payload: &Value) -> Option<Vec<String>> {
    let list = payload.get("handshake")?.as_array()?;
    list.iter().map(|d| d.as_str().map(str::to_owned)).collect()
}

/// Appends the directives as `Set-Cookie` headers and returns the value of the
/// `__session*` cookie they set, if any.
pub fn apply_directives(directives: &[String], headers: &mut HeaderMap) -> Option<String> {
    let mut session = None;
    for directive in directives.iter().take(MAX_DIRECTIVES) {
        let Ok(value) = HeaderValue::from_str(directive) else {
            continue;
        };
        headers.append(SET_COOKIE, value);
        let pair = directive.split(';').next().unwrap_or_default();
        if let Some((name, value)) = pair.split_once('=') {
            if name.trim().starts_with(super::cookies::SESSION) {
                session = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
            }
        }
    }
    session
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_detection() {
        let mut h = HeaderMap::new();
        assert!(!is_document_request(&h));
        h.insert(
            "accept",
            HeaderValue::from_static("text/html,application/xhtml+xml"),
        );
        assert!(is_document_request(&h));
        h.insert("sec-fetch-dest", HeaderValue::from_static("empty"));
        assert!(!is_document_request(&h));
        h.insert("sec-fetch-dest", HeaderValue::from_static("iframe"));
        assert!(is_document_request(&h));
    }

    #[test]
    fn relative_proxy_resolves_against_the_request_origin() {
        let url = Url::parse("http://127.0.0.1:3000/a?b=1").unwrap();
        assert_eq!(
            fapi_base(Some("/__clerk"), "x", &url),
            "http://127.0.0.1:3000/__clerk"
        );
        assert_eq!(fapi_base(None, "clerk.x.dev", &url), "https://clerk.x.dev");
    }

    #[test]
    fn strips_params_and_keeps_others() {
        let url = Url::parse("http://h/p?a=1&__clerk_db_jwt=x&b=2").unwrap();
        assert_eq!(
            path_and_query(&without_params(&url, &[DEV_BROWSER])),
            "/p?a=1&b=2"
        );
        let url = Url::parse("http://h/p?__clerk_db_jwt=x").unwrap();
        assert_eq!(path_and_query(&without_params(&url, &[DEV_BROWSER])), "/p");
    }
}
