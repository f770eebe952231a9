//! A real axum server on 127.0.0.1:0 standing in for Clerk's Backend API: it records
//! every request and answers through a test-provided function.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use leptos_clerk::server::backend_api::{BackendApi, BackendApiConfig};
use serde_json::Value;

/// The secret key the tests hand to the client.
pub const SECRET_KEY: &str = "sk_test_stand-in-for-tests-not-a-clerk-key";

/// The fixture user: every field of the Backend API `User` schema (API 2025-11-10).
pub const USER_FIXTURE: &str = include_str!("user.json");

/// The fixture user as JSON, with `id` replaced.
pub fn user_json(id: &str) -> Value {
    let mut user: Value = serde_json::from_str(USER_FIXTURE).expect("fixture is JSON");
    user["id"] = Value::from(id);
    user
}

/// What the stand-in received.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// HTTP method.
    pub method: Method,
    /// Raw (still percent-encoded) path.
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Request headers.
    pub headers: HeaderMap,
    /// Raw body.
    pub body: Bytes,
}

impl Recorded {
    /// A header as a string.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }

    /// All values of a query parameter.
    pub fn query_values(&self, key: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
            .collect()
    }
}

/// What the stand-in answers.
pub struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Duration,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: Value) -> Self {
        Self::raw(status, body.to_string())
    }

    /// An answer with a raw body.
    pub fn raw(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/json".to_owned())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// Clerk's error envelope.
    pub fn clerk_error(status: u16, code: &str, message: &str, trace_id: Option<&str>) -> Self {
        let mut body = serde_json::json!({
            "errors": [{ "code": code, "message": message, "long_message": format!("{message}.") }],
        });
        if let Some(trace_id) = trace_id {
            body["clerk_trace_id"] = Value::from(trace_id);
        }
        Self::json(status, body)
    }

    /// Adds a response header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Waits this long before answering.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Responder = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

#[derive(Clone)]
struct Shared {
    requests: Arc<Mutex<Vec<Recorded>>>,
    respond: Arc<Responder>,
}

/// A running stand-in server.
pub struct StandIn {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl StandIn {
    /// Starts a server answering the n-th request (0-based) with `respond(request, n)`.
    pub async fn start(
        respond: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            requests: requests.clone(),
            respond: Arc::new(respond),
        };
        let app = Router::new().fallback(handle).with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        Self { base_url, requests }
    }

    /// Everything received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }

    /// The one request received; panics unless exactly one arrived.
    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request: {requests:#?}"
        );
        requests.into_iter().next().expect("one request")
    }

    /// Test configuration pointing at this server: 2 s per attempt, 2 retries, 5 s deadline.
    pub fn config(&self) -> BackendApiConfig {
        BackendApiConfig {
            api_url: self.base_url.clone(),
            timeout: Duration::from_secs(2),
            max_retries: 2,
            deadline: Duration::from_secs(5),
            ..BackendApiConfig::new(SECRET_KEY)
        }
    }

    /// A client for this server with [`StandIn::config`].
    pub fn client(&self) -> BackendApi {
        BackendApi::new(self.config()).expect("valid config")
    }
}

async fn handle(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let recorded = Recorded {
        method,
        path: uri.path().to_owned(),
        query,
        headers,
        body,
    };
    let index = {
        let mut requests = shared.requests.lock().expect("lock");
        requests.push(recorded.clone());
        requests.len() - 1
    };
    let reply = (shared.respond)(&recorded, index);
    tokio::time::sleep(reply.delay).await;
    let mut response = (
        StatusCode::from_u16(reply.status).expect("status"),
        reply.body,
    )
        .into_response();
    for (name, value) in reply.headers {
        response.headers_mut().insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(&value).expect("header value"),
        );
    }
    response
}

/// A loopback URL nothing listens on.
pub async fn refused_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{address}")
}
