//! The Frontend API proxy against a real axum server on 127.0.0.1 standing in for Clerk's
//! Frontend API, both served over real sockets: methods, streamed bodies both ways, Set-Cookie,
//! status, Clerk's headers (the secret key only upstream), the query, refusals of paths that
//! could leave the upstream, and upstream failures.
#![cfg(feature = "ssr")]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use futures::{SinkExt, StreamExt};
use leptos_clerk::server::{Clerk, ClerkConfig, FrontendApiProxy, ProxyOptions};
use leptos_clerk::server::{InstanceType, PublishableKey};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SECRET: &str = "sk_live_proxy_fixture_secret";

/// The stand-in Frontend API; counts the requests that reach it.
#[derive(Default)]
struct Fapi {
    hits: AtomicUsize,
}

fn header_map(headers: &HeaderMap) -> Value {
    let mut map = serde_json::Map::new();
    for name in headers.keys() {
        let values: Vec<&str> = headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        map.insert(name.to_string(), json!(values.join(" | ")));
    }
    Value::Object(map)
}

async fn echo(State(fapi): State<Arc<Fapi>>, request: Request) -> Json<Value> {
    fapi.hits.fetch_add(1, Ordering::SeqCst);
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    Json(json!({
        "method": parts.method.as_str(),
        "path": parts.uri.path(),
        "query": parts.uri.query(),
        "headers": header_map(&parts.headers),
        "body": String::from_utf8_lossy(&body),
    }))
}

async fn stream_echo(State(fapi): State<Arc<Fapi>>, request: Request) -> Response {
    fapi.hits.fetch_add(1, Ordering::SeqCst);
    Body::from_stream(request.into_body().into_data_stream()).into_response()
}

async fn cookies(State(fapi): State<Arc<Fapi>>) -> Response {
    fapi.hits.fetch_add(1, Ordering::SeqCst);
    let mut response = (StatusCode::CREATED, "made").into_response();
    let headers = response.headers_mut();
    headers.append(
        "set-cookie",
        "__client=abc; Path=/; HttpOnly; Secure".parse().unwrap(),
    );
    headers.append(
        "set-cookie",
        "__client_uat=123; Path=/; Secure".parse().unwrap(),
    );
    headers.insert("clerk-secret-key", "echoed-back".parse().unwrap());
    headers.insert("x-clerk-trace", "t-1".parse().unwrap());
    response
}

async fn status(State(fapi): State<Arc<Fapi>>, Path(code): Path<u16>) -> Response {
    fapi.hits.fetch_add(1, Ordering::SeqCst);
    let status = StatusCode::from_u16(code).unwrap();
    (
        status,
        Json(json!({ "errors": [{ "code": "from_upstream" }] })),
    )
        .into_response()
}

async fn redirect(State(fapi): State<Arc<Fapi>>, request: Request) -> Response {
    fapi.hits.fetch_add(1, Ordering::SeqCst);
    let host = request.headers()["host"].to_str().unwrap().to_owned();
    let mut response = StatusCode::TEMPORARY_REDIRECT.into_response();
    let location = format!("http://{host}/v1/client/handshake?redirect_url=x");
    response
        .headers_mut()
        .insert("location", location.parse().unwrap());
    response
}

async fn slow(State(fapi): State<Arc<Fapi>>) -> &'static str {
    fapi.hits.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(30)).await;
    "too late"
}

/// Serves `app` on 127.0.0.1:0 with client addresses; returns the address.
async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    addr
}

async fn start_fapi() -> (String, Arc<Fapi>) {
    let fapi = Arc::new(Fapi::default());
    let app = Router::new()
        .route("/v1/echo", any(echo))
        .route("/npm/echo", any(echo))
        .route("/oauth/echo", any(echo))
        .route("/.well-known/echo", any(echo))
        .route("/", any(echo))
        .route("/dev", any(echo))
        .route("/v1/stream", any(stream_echo))
        .route("/v1/cookies", any(cookies))
        .route("/v1/status/{code}", any(status))
        .route("/v1/redirect", get(redirect))
        .route("/v1/slow", get(slow))
        .fallback(echo)
        .with_state(fapi.clone());
    (format!("http://{}", serve(app).await), fapi)
}

fn options(upstream: &str) -> ProxyOptions {
    ProxyOptions {
        path: "/__clerk".into(),
        public_url: None,
        upstream: upstream.into(),
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(5),
    }
}

/// The app: the proxy and nothing else; returns its base URL.
async fn start_proxy(options: ProxyOptions) -> String {
    start_proxy_trusting(options, false).await
}

/// [`start_proxy`], with `CLERK_TRUST_FORWARDED_HEADERS` as given (a proxy in front of the app).
async fn start_proxy_trusting(options: ProxyOptions, trust_forwarded_headers: bool) -> String {
    let pk = PublishableKey::from_frontend_api("clerk.example.com", InstanceType::Production).key;
    let mut config =
        ClerkConfig::new(pk, SECRET).with_trusted_forwarded_headers(trust_forwarded_headers);
    config.proxy_url = Some(options.path.clone());
    let clerk = Clerk::new(config).unwrap();
    let proxy = FrontendApiProxy::new(&clerk, options).unwrap();
    format!("http://{}", serve(proxy.router()).await)
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

#[tokio::test]
async fn every_method_reaches_the_same_path_and_query_upstream_with_the_body() {
    let (fapi_url, _) = start_fapi().await;
    let app = start_proxy(options(&fapi_url)).await;
    let http = reqwest::Client::new();
    for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = http.request(
            method.clone(),
            format!("{app}/__clerk/v1/echo?_clerk_js_version=6.40.0&q=a%20b"),
        );
        if method != reqwest::Method::GET {
            request = request.body("identifier=ada%40example.com");
        }
        let answer = json_of(request.send().await.unwrap()).await;
        assert_eq!(answer["method"], method.as_str());
        assert_eq!(answer["path"], "/v1/echo");
        assert_eq!(answer["query"], "_clerk_js_version=6.40.0&q=a%20b");
        let body = if method == reqwest::Method::GET {
            ""
        } else {
            "identifier=ada%40example.com"
        };
        assert_eq!(answer["body"], body, "{method}");
    }
    // HEAD: the status and headers, no body.
    let head = http
        .head(format!("{app}/__clerk/v1/echo"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
}

#[tokio::test]
async fn only_frontend_api_paths_go_upstream() {
    let (fapi_url, fapi) = start_fapi().await;
    let app = start_proxy(options(&fapi_url)).await;
    let http = reqwest::Client::new();
    for path in [
        "/__clerk",
        "/__clerk/",
        "/__clerk/dev",
        "/__clerk/api/v1/users",
        "/__clerk/v1",
        "/__clerk/V1/echo",
        "/__clerk/echo",
    ] {
        let response = http.get(format!("{app}{path}")).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        let body = json_of(response).await;
        assert_eq!(body["errors"][0]["code"], "proxy_path_not_found", "{path}");
    }
    assert_eq!(fapi.hits.load(Ordering::SeqCst), 0, "nothing went upstream");
    for path in [
        "/__clerk/v1/echo",
        "/__clerk/npm/echo",
        "/__clerk/oauth/echo",
        "/__clerk/.well-known/echo",
    ] {
        let answer = json_of(http.get(format!("{app}{path}")).send().await.unwrap()).await;
        assert_eq!(answer["path"], path.trim_start_matches("/__clerk"));
    }
    assert_eq!(fapi.hits.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_secret_key_in_authorization_never_goes_upstream() {
    let (fapi_url, fapi) = start_fapi().await;
    let app = start_proxy(options(&fapi_url)).await;
    let http = reqwest::Client::new();
    for authorization in [format!("Bearer {SECRET}"), "sk_test_other".to_owned()] {
        let response = http
            .get(format!("{app}/__clerk/v1/echo"))
            .header("authorization", &authorization)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{authorization}");
        let body = response.text().await.unwrap();
        assert!(body.contains("proxy_secret_key_refused"), "{body}");
        assert!(
            !body.contains(SECRET) && !body.contains("sk_test_other"),
            "the key is not echoed: {body}"
        );
    }
    assert_eq!(fapi.hits.load(Ordering::SeqCst), 0);
    // Any other Authorization (ClerkJS's client token in native flows) passes.
    let answer = json_of(
        http.get(format!("{app}/__clerk/v1/echo"))
            .header("authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        answer["headers"]["authorization"],
        "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln"
    );
}

#[tokio::test]
async fn clerk_headers_go_upstream_and_the_secret_never_comes_back() {
    let (fapi_url, _) = start_fapi().await;
    let app = start_proxy(options(&fapi_url)).await;
    let host = app.trim_start_matches("http://").to_owned();
    let response = reqwest::Client::new()
        .get(format!("{app}/__clerk/v1/echo"))
        .header("cookie", "__client=abc")
        .header("x-forwarded-for", "203.0.113.7")
        // Forged by the client: replaced, never passed on.
        .header("clerk-secret-key", "sk_live_forged")
        .header("clerk-proxy-url", "https://evil.example/__clerk")
        .header("keep-alive", "timeout=5")
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("clerk-secret-key").is_none());
    let answer = json_of(response).await;
    let headers = &answer["headers"];
    assert_eq!(headers["clerk-secret-key"], SECRET);
    assert_eq!(headers["clerk-proxy-url"], format!("http://{host}/__clerk"));
    // Not behind a trusted proxy: the client's own X-Forwarded-For is not passed on.
    assert_eq!(headers["x-forwarded-for"], "127.0.0.1");
    assert_eq!(headers["x-forwarded-host"], host.as_str());
    assert_eq!(headers["x-forwarded-proto"], "http");
    assert_eq!(headers["cookie"], "__client=abc");
    assert_eq!(headers["host"], fapi_url.trim_start_matches("http://"));
    assert!(
        headers.get("keep-alive").is_none(),
        "hop-by-hop headers are dropped"
    );

    // A client forging X-Forwarded-* chooses neither the URL nor the address Clerk sees.
    let forged = json_of(
        reqwest::Client::new()
            .get(format!("{app}/__clerk/v1/echo"))
            .header("x-forwarded-proto", "https")
            .header("x-forwarded-host", "evil.example")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        forged["headers"]["clerk-proxy-url"],
        format!("http://{host}/__clerk")
    );
    assert_eq!(forged["headers"]["x-forwarded-host"], host.as_str());
    assert_eq!(forged["headers"]["x-forwarded-proto"], "http");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_headers_decide() {
    let (fapi_url, _) = start_fapi().await;
    let app = start_proxy_trusting(options(&fapi_url), true).await;
    let host = app.trim_start_matches("http://").to_owned();
    let answer = json_of(
        reqwest::Client::new()
            .get(format!("{app}/__clerk/v1/echo"))
            .header("x-forwarded-for", "203.0.113.7")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        answer["headers"]["x-forwarded-for"],
        "203.0.113.7, 127.0.0.1"
    );
    // Behind a TLS-terminating load balancer the public URL comes from X-Forwarded-*.
    let answer = json_of(
        reqwest::Client::new()
            .get(format!("{app}/__clerk/v1/echo"))
            .header("x-forwarded-proto", "https")
            .header("x-forwarded-host", "app.example.com")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        answer["headers"]["clerk-proxy-url"],
        "https://app.example.com/__clerk"
    );
    assert_eq!(answer["headers"]["x-forwarded-proto"], "https");
    // A load balancer that sends X-Forwarded-Proto alone (AWS ALB): the Host header fills in.
    let answer = json_of(
        reqwest::Client::new()
            .get(format!("{app}/__clerk/v1/echo"))
            .header("x-forwarded-proto", "https")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        answer["headers"]["clerk-proxy-url"],
        format!("https://{host}/__clerk")
    );
}

#[tokio::test]
async fn an_absolute_proxy_url_is_sent_as_is() {
    let (fapi_url, _) = start_fapi().await;
    let mut options = options(&fapi_url);
    options.public_url = Some("https://app.example.com/__clerk".into());
    let app = start_proxy(options).await;
    let answer = json_of(
        reqwest::get(format!("{app}/__clerk/v1/echo"))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        answer["headers"]["clerk-proxy-url"],
        "https://app.example.com/__clerk"
    );
}

#[tokio::test]
async fn status_and_every_set_cookie_come_back() {
    let (fapi_url, _) = start_fapi().await;
    let app = start_proxy(options(&fapi_url)).await;
    let response = reqwest::Client::new()
        .post(format!("{app}/__clerk/v1/cookies"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let cookies: Vec<&str> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(
        cookies,
        [
            "__client=abc; Path=/; HttpOnly; Secure",
            "__client_uat=123; Path=/; Secure"
        ]
    );
    assert_eq!(response.headers()["x-clerk-trace"], "t-1");
    assert!(response.headers().get("clerk-secret-key").is_none());
    for code in [400, 401, 404, 422, 429, 500, 503] {
        let response = reqwest::get(format!("{app}/__clerk/v1/status/{code}"))
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), code);
        assert_eq!(
            json_of(response).await["errors"][0]["code"],
            "from_upstream"
        );
    }
}

#[tokio::test]
async fn a_location_on_the_frontend_api_goes_through_the_proxy() {
    let (fapi_url, _) = start_fapi().await;
    let app = start_proxy(options(&fapi_url)).await;
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{app}/__clerk/v1/redirect"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 307);
    assert_eq!(
        response.headers()["location"],
        "/__clerk/v1/client/handshake?redirect_url=x"
    );
}

#[tokio::test]
async fn bodies_stream_both_ways_without_buffering() {
    let (fapi_url, _) = start_fapi().await;
    let app = start_proxy(options(&fapi_url)).await;
    let (mut chunks, body) = futures::channel::mpsc::channel::<Result<Bytes, std::io::Error>>(1);
    let response = tokio::spawn(
        reqwest::Client::new()
            .post(format!("{app}/__clerk/v1/stream"))
            .body(reqwest::Body::wrap_stream(body))
            .send(),
    );
    chunks
        .send(Ok(Bytes::from_static(b"first chunk;")))
        .await
        .unwrap();
    // The echo of the first chunk arrives while the request body is still open: neither
    // direction waits for a whole body. (The timeout only turns a hang into a failure.)
    let response = tokio::time::timeout(Duration::from_secs(10), response)
        .await
        .expect("response headers before the request body ended")
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut received = response.bytes_stream();
    let first = tokio::time::timeout(Duration::from_secs(10), received.next())
        .await
        .expect("the first chunk streamed back before the request body ended")
        .unwrap()
        .unwrap();
    assert_eq!(&first[..], b"first chunk;");
    chunks
        .send(Ok(Bytes::from_static(b"second chunk")))
        .await
        .unwrap();
    drop(chunks);
    let mut rest = Vec::new();
    while let Some(chunk) = received.next().await {
        rest.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(rest, b"second chunk");
}

/// Sends `request_line` + a Host header over a raw socket (no client-side path
/// normalisation); the status code answered.
async fn raw_status(app: &str, request_line: &str) -> u16 {
    let addr = app.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("{request_line}\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    answer.split(' ').nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn paths_that_could_leave_the_upstream_are_refused_before_any_upstream_request() {
    let (fapi_url, fapi) = start_fapi().await;
    let app = start_proxy(options(&fapi_url)).await;
    for line in [
        "GET /__clerk/../admin HTTP/1.1",
        "GET /__clerk/v1/../../admin HTTP/1.1",
        "GET /__clerk/%2e%2e/admin HTTP/1.1",
        "GET /__clerk/v1/%2E%2e/%2e%2E/admin HTTP/1.1",
        "GET /__clerk/./v1/echo HTTP/1.1",
        "GET /__clerk//evil.example/x HTTP/1.1",
        "GET /__clerk/v1//echo HTTP/1.1",
        "GET /__clerk/v1/%2f%2fevil.example HTTP/1.1",
        "GET /__clerk/v1/%5c..%5cadmin HTTP/1.1",
        "GET /__clerk/v1\\..\\admin HTTP/1.1",
        "GET http://evil.example/__clerk/v1/echo HTTP/1.1",
        "GET https://evil.example:8443/__clerk/v1/echo HTTP/1.1",
    ] {
        assert_eq!(raw_status(&app, line).await, 400, "{line}");
    }
    assert_eq!(
        fapi.hits.load(Ordering::SeqCst),
        0,
        "nothing reached the upstream"
    );
    // Control: the same socket helper gets through with a clean path.
    assert_eq!(raw_status(&app, "GET /__clerk/v1/echo HTTP/1.1").await, 200);
    assert_eq!(fapi.hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_unreachable_upstream_is_502_and_a_slow_one_504_never_500() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let down = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let app = start_proxy(options(&down)).await;
    let response = reqwest::get(format!("{app}/__clerk/v1/client"))
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    let body = json_of(response).await;
    assert_eq!(body["errors"][0]["code"], "proxy_request_failed");
    assert!(!body.to_string().contains(SECRET));

    let (fapi_url, _) = start_fapi().await;
    let mut options = options(&fapi_url);
    options.timeout = Duration::from_secs(1);
    let app = start_proxy(options).await;
    let response = reqwest::get(format!("{app}/__clerk/v1/slow"))
        .await
        .unwrap();
    assert_eq!(response.status(), 504);
    let body = json_of(response).await;
    assert_eq!(body["errors"][0]["code"], "proxy_request_failed");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("CLERK_PROXY_TIMEOUT_SECS"));
}

mod unreliable_clerk;

/// Against a Frontend API that misbehaves: each fault answers within the proxy's limits, and
/// after repeated outages the breaker answers 503 with `Retry-After` at once, until one request
/// finds the Frontend API back.
#[tokio::test]
async fn a_failing_frontend_api_opens_the_breaker_then_one_request_finds_it_back() {
    use unreliable_clerk::{Fault, Group, UnreliableClerk};
    let fapi = UnreliableClerk::start(|_| (200, r#"{"object":"client"}"#.to_owned())).await;
    let pk = PublishableKey::from_frontend_api("clerk.example.com", InstanceType::Production).key;
    let mut config = ClerkConfig::new(pk, SECRET);
    config.proxy_url = Some("/__clerk".into());
    config.breaker.failures = 3;
    config.breaker.cooldown = Duration::from_millis(500);
    let clerk = Clerk::new(config).unwrap();
    let options = ProxyOptions {
        timeout: Duration::from_secs(1),
        ..options(&fapi.frontend_api_url())
    };
    let proxy = FrontendApiProxy::new(&clerk, options).unwrap();
    let app = format!("http://{}", serve(proxy.router()).await);
    let http = reqwest::Client::new();
    let get = || http.get(format!("{app}/__clerk/v1/client")).send();
    assert_eq!(get().await.unwrap().status(), 200, "control");

    // (fault, status) for each, all within the 1 s timeout.
    for (fault, status) in [
        (Fault::Reset, 502),
        (Fault::Hang, 504),
        (Fault::Status(503), 503),
    ] {
        fapi.set(Group::FrontendApi, fault);
        let started = Instant::now();
        let answer = get().await.unwrap();
        assert_eq!(answer.status(), status, "{fault:?}");
        assert!(
            started.elapsed() < Duration::from_millis(1_300),
            "{fault:?}"
        );
    }
    // Three outages in a row: the Frontend API is not asked any more.
    let sent = fapi.requests(Group::FrontendApi);
    let started = Instant::now();
    let answer = get().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(50),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(answer.status(), 503);
    assert_eq!(answer.headers()["retry-after"], "1");
    assert!(answer
        .text()
        .await
        .unwrap()
        .contains("proxy_upstream_unavailable"));
    assert_eq!(fapi.requests(Group::FrontendApi), sent);

    fapi.heal();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(get().await.unwrap().status(), 200, "recovered");
    assert_eq!(get().await.unwrap().status(), 200);
}
