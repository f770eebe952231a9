//! Clerk's Frontend API proxy (`frontendApiProxy` in `@clerk/nextjs`, `clerkFrontendApiProxy`
//! in `@clerk/backend`): the browser talks to the Frontend API through this app, under the
//! path of `CLERK_PROXY_URL` (e.g. `https://app.example.com/__clerk`), instead of Clerk's
//! `clerk.<your domain>` CNAME.
//!
//! Each request under the path goes to ONE upstream, the Frontend API (Clerk's
//! `https://frontend-api.clerk.dev`, or `CLERK_FRONTEND_API_URL`), at the rest of the path with
//! the same query, method and streamed body, plus the headers Clerk requires:
//! `Clerk-Proxy-Url` (the full proxy URL), `Clerk-Secret-Key` and `X-Forwarded-For` (the
//! client's address; appended to the incoming chain only when `CLERK_TRUST_FORWARDED_HEADERS`
//! says a proxy in front of the app sets it). Status, headers (every `Set-Cookie`) and the streamed body come
//! back as they are, minus hop-by-hop headers; a `Location` on the Frontend API is rewritten
//! to go through the proxy. Never an open proxy: paths with `..`/`.` segments (also
//! percent-encoded), `//`, backslashes or encoded slashes, and absolute-form request targets,
//! are refused with 400. An unreachable upstream answers 502, a slow one 504 (JSON
//! `{"errors":[{"code","message"}]}` like Clerk's proxy), never 500.
//!
//! Only the Frontend API is reachable: Clerk's guide forwards everything under the path, this
//! proxy only what ClerkJS and the OAuth flows use ([`FRONTEND_API_PREFIXES`]: `/v1/…`,
//! `/npm/…`, `/oauth/…`, `/.well-known/…`); anything else is 404 without an upstream request, so
//! an upstream that also serves other things (the local dev instance's Backend API under `/api`
//! and its `/dev` page) cannot be reached through the app. A request whose `Authorization`
//! carries a secret key (`sk_…`) is refused with 403: the Frontend API never needs one, and the
//! proxy adds the app's own only as `Clerk-Secret-Key`.
//!
//! ```ignore
//! if let Some(proxy) = clerk.frontend_api_proxy()? {
//!     app = app.merge(proxy.router()); // outside clerk.layer()
//! }
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, HttpBody as _};
use axum::extract::{ConnectInfo, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{StatusCode, Version};
use serde_json::json;
use url::Url;

use super::breaker::Breaker;
use super::clerk::Clerk;
use super::config::ConfigError;
use super::env::{self, Env};

/// Clerk's production Frontend API, the default upstream (as in `@clerk/backend`).
pub(super) const PROD_FAPI_URL: &str = "https://frontend-api.clerk.dev";
/// Default connect timeout (`CLERK_PROXY_CONNECT_TIMEOUT_SECS`).
pub(super) const DEFAULT_CONNECT_TIMEOUT_SECS: u64 = 5;
/// Default overall timeout of one proxied request, body included (`CLERK_PROXY_TIMEOUT_SECS`).
pub(super) const DEFAULT_TIMEOUT_SECS: u64 = 30;

/// The paths below the proxy path that are forwarded: the Frontend API (`/v1/…`), the ClerkJS
/// and `@clerk/ui` bundles (`/npm/…`), the OAuth 2.0 / OpenID endpoints (`/oauth/…`,
/// `/.well-known/…`). Every other path is 404.
pub const FRONTEND_API_PREFIXES: [&str; 4] = ["/v1/", "/npm/", "/oauth/", "/.well-known/"];

/// Headers that describe one connection, never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];
const CLERK_PROXY_URL: HeaderName = HeaderName::from_static("clerk-proxy-url");
const CLERK_SECRET_KEY: HeaderName = HeaderName::from_static("clerk-secret-key");
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");

/// Settings of a [`FrontendApiProxy`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyOptions {
    /// The path served, without a trailing slash (`/__clerk`): the path of `CLERK_PROXY_URL`.
    pub path: String,
    /// `CLERK_PROXY_URL` when absolute: sent as `Clerk-Proxy-Url` (recommended in production).
    /// When `None` (a relative `CLERK_PROXY_URL`), it is rebuilt per request from the `Host`
    /// over `http`, or from `X-Forwarded-Proto`/`X-Forwarded-Host` when the deployment trusts
    /// them (`CLERK_TRUST_FORWARDED_HEADERS`).
    pub public_url: Option<String>,
    /// The Frontend API base URL (`CLERK_FRONTEND_API_URL`, default `https://frontend-api.clerk.dev`).
    pub upstream: String,
    /// `CLERK_PROXY_CONNECT_TIMEOUT_SECS` (default 5).
    pub connect_timeout: Duration,
    /// `CLERK_PROXY_TIMEOUT_SECS` (default 30): the whole exchange, streamed body included.
    pub timeout: Duration,
}

impl ProxyOptions {
    /// The options for `proxy_url` (`CLERK_PROXY_URL`), the rest read through `lookup`; `None`
    /// when `proxy_url` is the root of its host (another server proxies there, not this app).
    pub fn from_lookup(
        proxy_url: &str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<ProxyOptions>, ConfigError> {
        let env = Env::new(lookup);
        let proxy_url = proxy_url.trim();
        let (path, public_url) = if proxy_url.starts_with('/') {
            (proxy_url.to_owned(), None)
        } else {
            let url = Url::parse(proxy_url)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                .ok_or_else(|| ConfigError::Invalid {
                    name: "CLERK_PROXY_URL",
                    problem: "neither a path (/__clerk) nor an absolute http(s) URL".into(),
                    fix: "set it to the proxy's full URL, e.g. https://app.example.com/__clerk",
                })?;
            (
                url.path().to_owned(),
                Some(proxy_url.trim_end_matches('/').to_owned()),
            )
        };
        let path = path.trim_end_matches('/').to_owned();
        if path.is_empty() {
            return Ok(None);
        }
        if unsafe_path(&path).is_some() {
            return Err(ConfigError::Invalid {
                name: "CLERK_PROXY_URL",
                problem: "its path has empty, `.` or `..` segments, a backslash or escapes".into(),
                fix: "use a plain path such as /__clerk",
            });
        }
        let upstream = env
            .text("CLERK_FRONTEND_API_URL")
            .unwrap_or_else(|| PROD_FAPI_URL.into());
        let upstream_ok = Url::parse(&upstream)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .filter(|u| u.query().is_none() && u.fragment().is_none());
        if upstream_ok.is_none() {
            return Err(ConfigError::Invalid {
                name: "CLERK_FRONTEND_API_URL",
                problem: "not an absolute http(s) URL without query".into(),
                fix: "unset it (Clerk's https://frontend-api.clerk.dev) or set the Frontend API \
                      base URL, e.g. http://127.0.0.1:3100",
            });
        }
        let secs = |name: &'static str, default: u64| -> Result<Duration, ConfigError> {
            let secs = env
                .number(name, 1..=3_600)
                .map_err(|error| ConfigError::Invalid {
                    name,
                    problem: error.problem(),
                    fix: "set a number of seconds such as 5, or unset it for the default",
                })?;
            Ok(Duration::from_secs(secs.unwrap_or(default)))
        };
        Ok(Some(ProxyOptions {
            path,
            public_url,
            upstream: upstream.trim_end_matches('/').to_owned(),
            connect_timeout: secs(
                "CLERK_PROXY_CONNECT_TIMEOUT_SECS",
                DEFAULT_CONNECT_TIMEOUT_SECS,
            )?,
            timeout: secs("CLERK_PROXY_TIMEOUT_SECS", DEFAULT_TIMEOUT_SECS)?,
        }))
    }
}

struct Inner {
    options: ProxyOptions,
    upstream: Url,
    secret_key: HeaderValue,
    /// `CLERK_TRUST_FORWARDED_HEADERS`: whether the client's `X-Forwarded-*` come from a proxy.
    trust_forwarded_headers: bool,
    client: reqwest::Client,
    /// Opens after repeated Frontend API outages: requests then get a 503 at once.
    breaker: Breaker,
}

/// The Frontend API proxy; cheap to clone. Mount [`FrontendApiProxy::router`] outside the
/// Clerk layer.
#[derive(Clone)]
pub struct FrontendApiProxy {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for FrontendApiProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrontendApiProxy")
            .field("path", &self.inner.options.path)
            .field("upstream", &self.inner.options.upstream)
            .finish_non_exhaustive()
    }
}

impl Clerk {
    /// The Frontend API proxy of `CLERK_PROXY_URL` (see [`FrontendApiProxy`]), with
    /// `CLERK_FRONTEND_API_URL` and the `CLERK_PROXY_*_TIMEOUT_SECS` read from the environment;
    /// `None` without a proxy URL or when it is the root of its host.
    pub fn frontend_api_proxy(&self) -> Result<Option<FrontendApiProxy>, ConfigError> {
        let Some(proxy_url) = self.config().proxy_url.as_deref() else {
            return Ok(None);
        };
        match ProxyOptions::from_lookup(proxy_url, env::process)? {
            Some(options) => FrontendApiProxy::new(self, options).map(Some),
            None => Ok(None),
        }
    }
}

impl FrontendApiProxy {
    /// A proxy sending `clerk`'s secret key to the upstream of `options`.
    pub fn new(clerk: &Clerk, options: ProxyOptions) -> Result<FrontendApiProxy, ConfigError> {
        let invalid = |name: &'static str, problem: String| ConfigError::Invalid {
            name,
            problem,
            fix: "correct the variable named in the message",
        };
        let upstream = Url::parse(&options.upstream)
            .map_err(|e| invalid("CLERK_FRONTEND_API_URL", e.to_string()))?;
        let mut secret_key = HeaderValue::from_str(&clerk.config().secret_key)
            .map_err(|_| invalid("CLERK_SECRET_KEY", "it is not a valid header value".into()))?;
        secret_key.set_sensitive(true);
        let client = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none())
            // Bodies pass through as they are, compressed or not.
            .no_gzip()
            .no_brotli()
            .no_deflate()
            .no_zstd()
            .build()
            .map_err(|e| invalid("CLERK_FRONTEND_API_URL", e.to_string()))?;
        Ok(FrontendApiProxy {
            inner: Arc::new(Inner {
                options,
                upstream,
                secret_key,
                trust_forwarded_headers: clerk.config().trust_forwarded_headers,
                client,
                breaker: Breaker::new("the Frontend API", clerk.config().breaker),
            }),
        })
    }

    /// The path served (`/__clerk`).
    pub fn path(&self) -> &str {
        &self.inner.options.path
    }

    /// The settings.
    pub fn options(&self) -> &ProxyOptions {
        &self.inner.options
    }

    /// A router answering every method on the path and below it.
    pub fn router(&self) -> Router {
        let path = self.path();
        Router::new()
            .route(path, any(proxy_request))
            .route(&format!("{path}/"), any(proxy_request))
            .route(&format!("{path}/{{*rest}}"), any(proxy_request))
            .with_state(self.clone())
    }

    /// Proxies one request (its path must be the proxy path or below it).
    pub async fn handle(&self, request: Request) -> Response {
        let target = match self.target(&request) {
            Ok(target) => target,
            Err(Refused::Path(problem)) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "proxy_path_invalid",
                    problem.into(),
                )
            }
            Err(Refused::NotFrontendApi) => {
                return error(
                    StatusCode::NOT_FOUND,
                    "proxy_path_not_found",
                    format!(
                        "the Frontend API proxy only forwards {} below {}",
                        FRONTEND_API_PREFIXES.join(", "),
                        self.path()
                    ),
                )
            }
        };
        if carries_secret_key(request.headers()) {
            tracing::warn!(
                "Clerk Frontend API proxy: refused a request with a secret key in Authorization"
            );
            return error(
                StatusCode::FORBIDDEN,
                "proxy_secret_key_refused",
                "the Frontend API proxy does not forward secret keys (sk_…) in Authorization; \
                 call the Backend API directly"
                    .into(),
            );
        }
        let headers = match self.upstream_headers(&request) {
            Ok(headers) => headers,
            Err(problem) => {
                return error(StatusCode::BAD_REQUEST, "proxy_request_invalid", problem)
            }
        };
        let method = request.method().clone();
        let body = request.into_body();
        let mut upstream = self.inner.client.request(method, target).headers(headers);
        if body.size_hint().exact() != Some(0) {
            upstream = upstream.body(reqwest::Body::wrap_stream(body.into_data_stream()));
        }
        let permit = match self.inner.breaker.admit() {
            Ok(permit) => permit,
            Err(rejected) => return circuit_open(rejected.retry_in),
        };
        match upstream.send().await {
            Ok(response) => {
                if super::backend_api::is_outage_status(response.status().as_u16()) {
                    permit.failed();
                } else {
                    permit.succeeded();
                }
                self.downstream(response)
            }
            Err(e) => {
                permit.failed();
                self.failure(&e)
            }
        }
    }

    /// The upstream URL: the upstream base + the path below the proxy path + the query.
    fn target(&self, request: &Request) -> Result<Url, Refused> {
        let uri = request.uri();
        // HTTP/2 always carries scheme and authority; in HTTP/1 they mean an absolute-form
        // target (`GET http://elsewhere/ HTTP/1.1`), which only a forward proxy accepts.
        if request.version() < Version::HTTP_2
            && (uri.scheme().is_some() || uri.authority().is_some())
        {
            return Err(Refused::Path("absolute request targets are not accepted"));
        }
        let rest = uri
            .path()
            .strip_prefix(self.path())
            .filter(|rest| rest.is_empty() || rest.starts_with('/'))
            .ok_or(Refused::Path("the path is not below the proxy path"))?;
        if let Some(problem) = unsafe_path(rest) {
            return Err(Refused::Path(problem));
        }
        if !is_frontend_api_path(rest) {
            return Err(Refused::NotFrontendApi);
        }
        let mut target = self.inner.upstream.clone();
        let base = target.path().trim_end_matches('/').to_owned();
        target.set_path(&format!("{base}{rest}"));
        target.set_query(uri.query());
        Ok(target)
    }

    /// The request headers minus hop-by-hop ones, plus Clerk's proxy headers. The client's
    /// `X-Forwarded-*` are used (and passed on) only with `CLERK_TRUST_FORWARDED_HEADERS`, as
    /// everywhere else in the crate: otherwise the connection decides (the peer address, the
    /// `Host` header, `http`), so no client can choose the IP or the URL Clerk sees.
    fn upstream_headers(&self, request: &Request) -> Result<HeaderMap, String> {
        let incoming = request.headers();
        let trusted = self.inner.trust_forwarded_headers;
        let mut headers = without_hop_by_hop(incoming);
        for name in [
            header::HOST,
            CLERK_SECRET_KEY,
            CLERK_PROXY_URL,
            X_FORWARDED_FOR,
            X_FORWARDED_HOST,
            X_FORWARDED_PROTO,
        ] {
            headers.remove(name);
        }
        let forwarded = |name: &HeaderName| {
            incoming
                .get(name)
                .filter(|_| trusted)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let host = incoming.get(header::HOST).and_then(|v| v.to_str().ok());
        // Each part from the load balancer's header when it sent one (AWS ALB sends
        // X-Forwarded-Proto alone), else from the request itself.
        let proto = forwarded(&X_FORWARDED_PROTO).unwrap_or("http");
        let public_host = forwarded(&X_FORWARDED_HOST).or(host);
        let public_url = match (&self.inner.options.public_url, public_host) {
            (Some(url), _) => url.clone(),
            (None, Some(public_host)) => format!("{proto}://{public_host}{}", self.path()),
            (None, None) => return Err("the request has no Host header".into()),
        };
        let value =
            |v: String| HeaderValue::from_str(&v).map_err(|_| "malformed forwarding headers");
        headers.insert(CLERK_PROXY_URL, value(public_url)?);
        headers.insert(CLERK_SECRET_KEY, self.inner.secret_key.clone());
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string());
        let chain: Vec<&str> = incoming
            .get_all(X_FORWARDED_FOR)
            .iter()
            .filter(|_| trusted)
            .filter_map(|v| v.to_str().ok())
            .chain(peer.as_deref())
            .collect();
        if !chain.is_empty() {
            headers.insert(X_FORWARDED_FOR, value(chain.join(", "))?);
        }
        if let Some(public_host) = public_host {
            headers.insert(X_FORWARDED_HOST, value(public_host.to_owned())?);
        }
        headers.insert(X_FORWARDED_PROTO, value(proto.to_owned())?);
        Ok(headers)
    }

    /// The upstream answer for the client: status, end-to-end headers (a `Location` on the
    /// Frontend API rewritten through the proxy) and the streamed body.
    fn downstream(&self, response: reqwest::Response) -> Response {
        let status = response.status();
        let mut headers = without_hop_by_hop(response.headers());
        headers.remove(CLERK_SECRET_KEY);
        if let Some(location) = headers.get(header::LOCATION).and_then(|v| v.to_str().ok()) {
            if let Some(rewritten) = self.rewrite_location(location) {
                headers.insert(header::LOCATION, rewritten);
            }
        }
        let mut answer = Response::new(Body::from_stream(response.bytes_stream()));
        *answer.status_mut() = status;
        *answer.headers_mut() = headers;
        answer
    }

    /// `location` through the proxy when it points at the upstream (relative to the proxy path
    /// when the proxy URL is relative).
    fn rewrite_location(&self, location: &str) -> Option<HeaderValue> {
        let upstream = &self.inner.upstream;
        // A path-absolute Location is on the upstream too.
        let url = upstream.join(location).ok()?;
        if url.origin() != upstream.origin() {
            return None;
        }
        let rest = url
            .path()
            .strip_prefix(upstream.path().trim_end_matches('/'))?;
        let prefix = self
            .inner
            .options
            .public_url
            .as_deref()
            .unwrap_or(self.path());
        let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
        let fragment = url.fragment().map(|f| format!("#{f}")).unwrap_or_default();
        HeaderValue::from_str(&format!("{prefix}{rest}{query}{fragment}")).ok()
    }

    /// 504 when the upstream was too slow, 502 when it could not be reached or broke off.
    fn failure(&self, e: &reqwest::Error) -> Response {
        let options = &self.inner.options;
        if e.is_timeout() {
            tracing::warn!(upstream = %options.upstream, "Clerk Frontend API proxy: timed out");
            return error(
                StatusCode::GATEWAY_TIMEOUT,
                "proxy_request_failed",
                format!(
                    "the Clerk Frontend API did not answer in time (CLERK_PROXY_TIMEOUT_SECS={}, \
                     CLERK_PROXY_CONNECT_TIMEOUT_SECS={})",
                    options.timeout.as_secs(),
                    options.connect_timeout.as_secs()
                ),
            );
        }
        tracing::warn!(upstream = %options.upstream, error = %e, "Clerk Frontend API proxy: request failed");
        error(
            StatusCode::BAD_GATEWAY,
            "proxy_request_failed",
            "the Clerk Frontend API could not be reached".into(),
        )
    }
}

/// Why a request path is not forwarded.
enum Refused {
    /// It could leave the upstream's path space (400).
    Path(&'static str),
    /// It is not below one of the [`FRONTEND_API_PREFIXES`] (404).
    NotFrontendApi,
}

/// Whether `rest` (the path below the proxy path) is one of the [`FRONTEND_API_PREFIXES`]'.
fn is_frontend_api_path(rest: &str) -> bool {
    FRONTEND_API_PREFIXES
        .iter()
        .any(|prefix| rest.starts_with(prefix))
}

/// Whether an `Authorization` header carries a Clerk secret key (`sk_test_…`, `sk_live_…`,
/// with or without a scheme).
fn carries_secret_key(headers: &HeaderMap) -> bool {
    headers.get_all(header::AUTHORIZATION).iter().any(|value| {
        let value = String::from_utf8_lossy(value.as_bytes());
        value
            .split_ascii_whitespace()
            .any(|word| word.starts_with("sk_"))
    })
}

async fn proxy_request(State(proxy): State<FrontendApiProxy>, request: Request) -> Response {
    proxy.handle(request).await
}

/// 503 with `Retry-After`, at once: the Frontend API failed repeatedly (the breaker is open).
fn circuit_open(retry_in: std::time::Duration) -> Response {
    let mut response = error(
        StatusCode::SERVICE_UNAVAILABLE,
        "proxy_upstream_unavailable",
        "the Clerk Frontend API failed repeatedly: requests fail at once for a while, then one \
         request checks whether it is back"
            .into(),
    );
    let secs = retry_in.as_secs_f64().ceil().max(1.0) as u64;
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    response
}

/// `{"errors":[{"code","message"}]}`, the shape of Clerk's proxy errors.
fn error(status: StatusCode, code: &str, message: String) -> Response {
    let body = json!({ "errors": [{ "code": code, "message": message }] });
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// `headers` minus the hop-by-hop ones and those the `Connection` header names.
fn without_hop_by_hop(headers: &HeaderMap) -> HeaderMap {
    let named: Vec<String> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_ascii_lowercase())
        .collect();
    let mut kept = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let name_str = name.as_str();
        if !HOP_BY_HOP.contains(&name_str) && !named.iter().any(|n| n == name_str) {
            kept.append(name.clone(), value.clone());
        }
    }
    kept
}

/// Why `path` (the part below the proxy path) could leave the upstream's path space, if it
/// could: `//`, backslashes, `.`/`..` segments and encoded `/`, `\` or dots.
fn unsafe_path(path: &str) -> Option<&'static str> {
    if path.contains("//") {
        return Some("empty path segments (`//`) are not accepted");
    }
    if path.contains('\\') {
        return Some("backslashes are not accepted in the path");
    }
    let lower = path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return Some("encoded slashes are not accepted in the path");
    }
    let dot_segment = path.split('/').any(|segment| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    });
    if dot_segment {
        return Some("`.` and `..` path segments are not accepted");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths_are_named() {
        for path in [
            "/..",
            "/v1/../x",
            "/%2e%2e/x",
            "/%2E./x",
            "/.%2e",
            "/./x",
            "//evil.example/x",
            "/v1//x",
            "/v1\\x",
            "/%5cx",
            "/a%2f..%2fb",
        ] {
            assert!(unsafe_path(path).is_some(), "{path}");
        }
        for path in [
            "",
            "/",
            "/v1/client",
            "/npm/@clerk/clerk-js@6.40.0/dist/x.js",
            "/v1/a..b",
        ] {
            assert_eq!(unsafe_path(path), None, "{path}");
        }
    }

    #[test]
    fn only_frontend_api_paths_are_forwarded() {
        for rest in [
            "/v1/client",
            "/v1/environment",
            "/npm/@clerk/clerk-js@6.40.0/dist/clerk.browser.js",
            "/oauth/authorize",
            "/.well-known/openid-configuration",
        ] {
            assert!(is_frontend_api_path(rest), "{rest}");
        }
        for rest in [
            "",
            "/",
            "/dev",
            "/api/v1/users",
            "/v1",
            "/V1/client",
            "/v2/x",
        ] {
            assert!(!is_frontend_api_path(rest), "{rest}");
        }
    }

    #[test]
    fn a_secret_key_in_authorization_is_recognized() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
            carries_secret_key(&headers)
        };
        assert!(with("Bearer sk_test_abc"));
        assert!(with("sk_live_abc"));
        assert!(with("bearer   sk_test_abc"));
        assert!(!with("Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig"));
        assert!(!with("Bearer pk_test_abc"));
        assert!(!carries_secret_key(&HeaderMap::new()));
    }

    #[test]
    fn options_from_relative_and_absolute_proxy_urls() {
        let none = |_: &str| None;
        let relative = ProxyOptions::from_lookup("/__clerk/", none)
            .unwrap()
            .unwrap();
        assert_eq!(relative.path, "/__clerk");
        assert_eq!(relative.public_url, None);
        assert_eq!(relative.upstream, PROD_FAPI_URL);
        let absolute = ProxyOptions::from_lookup("https://app.example.com/auth/clerk", none)
            .unwrap()
            .unwrap();
        assert_eq!(absolute.path, "/auth/clerk");
        assert_eq!(
            absolute.public_url.as_deref(),
            Some("https://app.example.com/auth/clerk")
        );
        assert_eq!(
            ProxyOptions::from_lookup("https://proxy.example.com/", none).unwrap(),
            None
        );
        assert!(ProxyOptions::from_lookup("clerk.example.com", none).is_err());
        assert!(ProxyOptions::from_lookup("/a/../b", none).is_err());
        let bad = ProxyOptions::from_lookup("/__clerk", |name| {
            (name == "CLERK_PROXY_TIMEOUT_SECS").then(|| "soon".to_owned())
        });
        assert!(matches!(
            bad,
            Err(ConfigError::Invalid {
                name: "CLERK_PROXY_TIMEOUT_SECS",
                ..
            })
        ));
    }
}
