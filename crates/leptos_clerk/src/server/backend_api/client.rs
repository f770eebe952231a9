//! The HTTP client: headers, URL building, response decoding and bounded retries.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{
    HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, USER_AGENT,
};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{BackendApiConfig, BackendApiError};
use crate::server::breaker::Breaker;

/// `User-Agent` of every Backend API request.
const USER_AGENT_VALUE: &str = concat!("leptos-clerk/", env!("CARGO_PKG_VERSION"));

/// First retry delay; doubled on every further attempt.
const BASE_BACKOFF: Duration = Duration::from_millis(250);

/// Longest computed backoff step (a server's `Retry-After` may ask for more).
const MAX_BACKOFF: Duration = Duration::from_secs(4);

/// The upstream's name in the breaker's log lines.
const UPSTREAM: &str = "the Backend API";

/// Whether a failed call may be sent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Idempotent calls (GET, DELETE) are repeated after transient failures, with backoff.
    IfIdempotent,
    /// One attempt only: for calls made while a page request waits, which must not sit
    /// through backoff.
    Never,
}

/// A typed client for Clerk's Backend API. Cheap to clone (the connection pool and the
/// circuit breaker are shared).
///
/// `Debug` never shows the secret key.
#[derive(Clone)]
pub struct BackendApi {
    inner: Arc<Inner>,
    /// When set (by [`BackendApi::for_request`]), every call of this handle ends by then.
    deadline: Option<Instant>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    config: BackendApiConfig,
    breaker: Breaker,
}

impl fmt::Debug for BackendApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackendApi")
            .field("config", &self.inner.config)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

/// One Backend API call, before it is sent.
pub(crate) struct ApiRequest {
    method: Method,
    segments: Vec<String>,
    query: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
}

impl ApiRequest {
    /// A call to `{api_url}/v1/{segments…}`; each segment is percent-encoded.
    pub(crate) fn new<S: Into<String>>(
        method: Method,
        segments: impl IntoIterator<Item = S>,
    ) -> Self {
        Self {
            method,
            segments: segments.into_iter().map(Into::into).collect(),
            query: Vec::new(),
            body: None,
        }
    }

    /// Adds query parameters (repeated keys are sent repeatedly, as Clerk expects for lists).
    pub(crate) fn query(mut self, query: Vec<(&'static str, String)>) -> Self {
        self.query = query;
        self
    }

    /// Sets a JSON body.
    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Self, BackendApiError> {
        let bytes = serde_json::to_vec(body).map_err(|_| BackendApiError::InvalidArgument {
            name: "body",
            reason: "cannot be serialised as JSON (metadata keys must be strings)",
        })?;
        self.body = Some(bytes);
        Ok(self)
    }
}

impl BackendApi {
    /// Builds a client; fails on an empty secret key or an unusable `api_url`.
    pub fn new(config: BackendApiConfig) -> Result<Self, BackendApiError> {
        if config.secret_key.trim().is_empty() {
            return Err(BackendApiError::Config(
                "the secret key is empty: set CLERK_SECRET_KEY to the instance's secret key \
                 (sk_test_… / sk_live_…)"
                    .to_owned(),
            ));
        }
        let base_url = Url::parse(config.api_url.trim_end_matches('/'))
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && !url.cannot_be_a_base())
            .ok_or_else(|| {
                BackendApiError::Config(format!(
                    "api_url `{}` is not an http(s) URL: set CLERK_API_URL to e.g. \
                     https://api.clerk.com",
                    config.api_url
                ))
            })?;
        let http = reqwest::Client::builder()
            .default_headers(default_headers(&config)?)
            .connect_timeout(config.connect_timeout)
            // The Backend API never redirects; do not carry the secret key anywhere else.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| {
                BackendApiError::Config(format!("cannot build HTTP client: {error}"))
            })?;
        let breaker = Breaker::new(UPSTREAM, config.breaker);
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url,
                config,
                breaker,
            }),
            deadline: None,
        })
    }

    /// This client for one incoming request: all calls made through the returned handle end
    /// within [`BackendApiConfig::deadline`] from now, together (the page or server function
    /// answers in time however many calls it makes).
    pub fn for_request(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            deadline: Some(Instant::now() + self.inner.config.deadline),
        }
    }

    /// Whether the circuit breaker is open: Clerk failed repeatedly and calls fail at once
    /// (for readiness checks).
    pub fn is_circuit_open(&self) -> bool {
        self.inner.breaker.is_open()
    }

    /// Builds a client from `CLERK_SECRET_KEY`, `CLERK_API_URL` and `CLERK_API_VERSION`.
    pub fn from_env() -> Result<Self, BackendApiError> {
        Self::new(BackendApiConfig::from_env()?)
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &BackendApiConfig {
        &self.inner.config
    }

    /// Sends `request`, retrying idempotent ones (GET, DELETE) after transient failures.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        request: ApiRequest,
    ) -> Result<T, BackendApiError> {
        self.execute_with(request, Retry::IfIdempotent).await
    }

    /// Sends `request` under the given retry policy, within the deadline, through the breaker.
    pub(crate) async fn execute_with<T: DeserializeOwned>(
        &self,
        request: ApiRequest,
        retry: Retry,
    ) -> Result<T, BackendApiError> {
        let config = &self.inner.config;
        let deadline = self
            .deadline
            .unwrap_or_else(|| Instant::now() + config.deadline);
        let url = self.url(&request.segments);
        let retryable =
            retry == Retry::IfIdempotent && matches!(request.method, Method::GET | Method::DELETE);
        let mut attempt = 0;
        loop {
            let error = match self.attempt(&request, url.clone(), deadline).await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            if !retryable || attempt >= config.max_retries || !error.is_transient() {
                return Err(error);
            }
            let wait = error
                .retry_after()
                .unwrap_or_else(|| jittered(backoff(attempt)));
            if Instant::now() + wait >= deadline {
                tracing::debug!(%error, ?wait, path = url.path(), "not retrying Clerk Backend API call: the deadline comes first");
                return Err(error);
            }
            attempt += 1;
            tracing::debug!(%error, ?wait, attempt, path = url.path(), "retrying Clerk Backend API call");
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt: admitted by the breaker, bounded by the attempt timeout and the deadline,
    /// its outcome reported to the breaker.
    async fn attempt<T: DeserializeOwned>(
        &self,
        request: &ApiRequest,
        url: Url,
        deadline: Instant,
    ) -> Result<T, BackendApiError> {
        let config = &self.inner.config;
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            // The request's deadline passed before this call (an earlier call of a
            // `for_request` handle used it up): not sent, and no outage of Clerk's.
            return Err(BackendApiError::Timeout(config.deadline));
        }
        let permit =
            self.inner
                .breaker
                .admit()
                .map_err(|rejected| BackendApiError::CircuitOpen {
                    retry_in: rejected.retry_in,
                })?;
        let result = match tokio::time::timeout(
            config.timeout.min(left),
            self.send_once(request, url),
        )
        .await
        {
            Ok(result) => result,
            // Name the limit that ran out: the attempt's, or the deadline.
            Err(_) if config.timeout < left => Err(BackendApiError::Timeout(config.timeout)),
            Err(_) => Err(BackendApiError::Timeout(config.deadline)),
        };
        match &result {
            Err(error) if error.is_outage() => permit.failed(),
            _ => permit.succeeded(),
        }
        result
    }

    async fn send_once<T: DeserializeOwned>(
        &self,
        request: &ApiRequest,
        url: Url,
    ) -> Result<T, BackendApiError> {
        let mut builder = self.inner.http.request(request.method.clone(), url);
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let response = builder.send().await.map_err(|e| self.transport_error(&e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(&e))?;
        if !status.is_success() {
            let cf_ray = header_string(&headers, "cf-ray");
            let retry_after = header_string(&headers, RETRY_AFTER.as_str())
                .and_then(|value| value.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(BackendApiError::from_response(
                status.as_u16(),
                &body,
                cf_ray,
                retry_after,
            ));
        }
        serde_json::from_slice(&body).map_err(|error| BackendApiError::MalformedResponse {
            status: status.as_u16(),
            message: error.to_string(),
        })
    }

    fn url(&self, segments: &[String]) -> Url {
        let mut url = self.inner.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().push("v1").extend(segments);
        }
        url
    }

    fn transport_error(&self, error: &reqwest::Error) -> BackendApiError {
        if error.is_timeout() {
            return BackendApiError::Timeout(self.inner.config.connect_timeout);
        }
        let mut message = String::from("request failed");
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            message = cause.to_string();
            source = cause.source();
        }
        BackendApiError::Connection(message)
    }
}

/// Fails with [`BackendApiError::InvalidArgument`] when `value` is empty.
pub(crate) fn require_non_empty(name: &'static str, value: &str) -> Result<(), BackendApiError> {
    if value.trim().is_empty() {
        return Err(BackendApiError::InvalidArgument {
            name,
            reason: "must not be empty",
        });
    }
    Ok(())
}

fn default_headers(config: &BackendApiConfig) -> Result<HeaderMap, BackendApiError> {
    let mut authorization = HeaderValue::try_from(format!("Bearer {}", config.secret_key.trim()))
        .map_err(|_| {
        BackendApiError::Config(
            "the secret key contains characters not allowed in an HTTP header: \
                 check CLERK_SECRET_KEY"
                .to_owned(),
        )
    })?;
    authorization.set_sensitive(true);
    let api_version = HeaderValue::try_from(config.api_version.as_str()).map_err(|_| {
        BackendApiError::Config(format!(
            "api_version `{}` is not a valid header value: check CLERK_API_VERSION",
            config.api_version
        ))
    })?;
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, authorization);
    headers.insert("clerk-api-version", api_version);
    headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
    Ok(headers)
}

fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// Exponential backoff: 250 ms, 500 ms, 1 s, … capped at [`MAX_BACKOFF`].
fn backoff(attempt: u32) -> Duration {
    BASE_BACKOFF
        .saturating_mul(1u32 << attempt.min(8))
        .min(MAX_BACKOFF)
}

/// `step` with "equal jitter": between half of it and all of it, so that many clients failing
/// at the same moment do not retry at the same moment.
fn jittered(step: Duration) -> Duration {
    // A fresh `RandomState` is randomly seeded: enough randomness for spreading retries.
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let fraction = (random % 1_000) as u32;
    step / 2 + step / 2 * fraction / 1_000
}
