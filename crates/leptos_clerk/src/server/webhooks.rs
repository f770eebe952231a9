//! Verifying Clerk webhooks (Svix / Standard Webhooks signatures) and typing their events.
//!
//! Mount a handler at e.g. `/api/webhooks/clerk` and let [`VerifiedWebhook`] (an axum
//! extractor) do the checking, or give the raw body to [`Webhook::verify`] (the same check):
//!
//! ```no_run
//! use axum::{http::StatusCode, routing::post, Router};
//! use leptos_clerk::server::webhooks::{VerifiedWebhook, Webhook, WebhookEvent};
//!
//! async fn clerk_webhook(webhook: VerifiedWebhook) -> StatusCode {
//!     if let WebhookEvent::UserCreated(user) = webhook.event {
//!         tracing::info!(user_id = %user.id, message_id = %webhook.message_id, "new user");
//!     }
//!     StatusCode::NO_CONTENT
//! }
//!
//! # fn app() -> Result<(), leptos_clerk::server::webhooks::WebhookError> {
//! let router: Router = Router::new()
//!     .route("/api/webhooks/clerk", post(clerk_webhook))
//!     .with_state(Webhook::from_env()?); // CLERK_WEBHOOK_SIGNING_SECRET
//! # Ok(())
//! # }
//! ```

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use ring::hmac;
use serde::Deserialize;
use serde_json::Value;
use subtle::ConstantTimeEq as _;

use super::backend_api::User;
use super::env::{self, Env};

/// Environment variable holding the endpoint's signing secret (`whsec_…`).
pub const WEBHOOK_SECRET_ENV: &str = "CLERK_WEBHOOK_SIGNING_SECRET";

/// Largest accepted distance between the message timestamp and now, in seconds.
pub const TIMESTAMP_TOLERANCE_SECS: u64 = 5 * 60;

/// Most signature entries accepted in one `svix-signature` header. Svix sends one per active
/// secret (a rotation keeps a few for 24 h); more is a flood.
pub const MAX_SIGNATURES: usize = 10;

/// Longest `svix-signature` header accepted, in bytes (room for [`MAX_SIGNATURES`] entries,
/// including Standard Webhooks' longer `v1a,` ones).
pub const MAX_SIGNATURE_HEADER_BYTES: usize = 2048;

/// Largest webhook body accepted, in bytes (1 MiB; Clerk's events are a few KiB). The
/// [`VerifiedWebhook`] extractor stops reading above it (413); a route that takes the body
/// as `Bytes` sets it with `DefaultBodyLimit::max(MAX_BODY_BYTES)`.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Most deliveries remembered against replay (see [`WebhookError::Replayed`]): far more than
/// Clerk sends one endpoint in [`TIMESTAMP_TOLERANCE_SECS`]; above it the oldest are forgotten.
pub const MAX_REMEMBERED_DELIVERIES: usize = 10_000;

/// Header names, Svix first, Standard Webhooks second.
const ID_HEADERS: [&str; 2] = ["svix-id", "webhook-id"];
const TIMESTAMP_HEADERS: [&str; 2] = ["svix-timestamp", "webhook-timestamp"];
const SIGNATURE_HEADERS: [&str; 2] = ["svix-signature", "webhook-signature"];

/// Why a webhook (or its signing secret) was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// No signing secret configured.
    #[error(
        "the webhook signing secret is missing: set CLERK_WEBHOOK_SIGNING_SECRET to the \
         endpoint's signing secret (whsec_…) from the Clerk dashboard (Webhooks)"
    )]
    MissingSecret,
    /// The signing secret is not `whsec_<base64>`.
    #[error(
        "CLERK_WEBHOOK_SIGNING_SECRET is malformed ({0}): copy the endpoint's signing \
         secret (whsec_…) from the Clerk dashboard (Webhooks)"
    )]
    MalformedSecret(&'static str),
    /// Some of `svix-id`, `svix-timestamp`, `svix-signature` are absent.
    #[error("missing required webhook headers: {}", .0.join(", "))]
    MissingHeaders(Vec<&'static str>),
    /// `svix-timestamp` is not an integer.
    #[error("the svix-timestamp header is not a Unix timestamp in seconds")]
    InvalidTimestamp,
    /// The message is too old or too far in the future.
    #[error(
        "the webhook timestamp is {skew_secs} s away from now (at most 300 s allowed): a \
         replayed or delayed message, or this server's clock is off"
    )]
    TimestampOutOfTolerance {
        /// Distance between the message timestamp and now.
        skew_secs: u64,
    },
    /// None of the `v1` signatures matches.
    #[error(
        "no webhook signature matches: check that CLERK_WEBHOOK_SIGNING_SECRET is this \
         endpoint's signing secret and that the raw, unmodified body is verified"
    )]
    NoMatchingSignature,
    /// The `svix-signature` header has more than [`MAX_SIGNATURES`] entries.
    #[error(
        "the svix-signature header has {count} entries (at most 10 allowed): a flood, not \
         Svix; Svix sends one signature per active signing secret"
    )]
    TooManySignatures {
        /// How many space-separated entries the header has.
        count: usize,
    },
    /// The `svix-signature` header is longer than [`MAX_SIGNATURE_HEADER_BYTES`].
    #[error(
        "the svix-signature header is {bytes} bytes long (at most 2048 allowed): a flood, \
         not Svix"
    )]
    SignatureHeaderTooLong {
        /// The header's length.
        bytes: usize,
    },
    /// The body is larger than [`MAX_BODY_BYTES`] (a 413).
    #[error(
        "the webhook body is larger than {limit} bytes: Clerk's events are a few KiB, so \
         this is not Clerk"
    )]
    BodyTooLarge {
        /// The limit, [`MAX_BODY_BYTES`].
        limit: usize,
    },
    /// The signed body is not a Clerk event.
    #[error("the webhook body is not a Clerk event: {0}")]
    InvalidPayload(String),
    /// The body could not be read.
    #[error("the webhook body could not be read: {0}")]
    UnreadableBody(String),
    /// This exact delivery (same `svix-id` and `svix-timestamp`, so the same signature) was
    /// verified already: a replay of a captured request. Answered **200** — Svix counts every
    /// 2xx as delivered — without running the handler again. Svix signs each retry with that
    /// attempt's timestamp, so a retry is a new delivery and is not refused.
    #[error("webhook delivery {message_id} at {timestamp} was received already; ignored")]
    Replayed {
        /// The `svix-id`.
        message_id: String,
        /// The `svix-timestamp`.
        timestamp: i64,
    },
}

impl IntoResponse for WebhookError {
    /// Every rejection is a 4xx with the reason as plain text, never a 5xx: 413 for
    /// [`WebhookError::BodyTooLarge`], 400 otherwise.
    fn into_response(self) -> Response {
        tracing::warn!(error = %self, "rejected Clerk webhook");
        let status = match self {
            Self::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Replayed { .. } => StatusCode::OK,
            _ => StatusCode::BAD_REQUEST,
        };
        (status, self.to_string()).into_response()
    }
}

/// A Clerk webhook event, typed where this crate knows the event.
#[derive(Clone, Debug, PartialEq)]
pub enum WebhookEvent {
    /// `user.created`.
    UserCreated(User),
    /// `user.updated`.
    UserUpdated(User),
    /// `user.deleted`.
    UserDeleted {
        /// Id of the deleted user.
        id: Option<String>,
        /// Whether the user is gone.
        deleted: bool,
    },
    /// Any other event (`session.created`, `organization.updated`, …).
    Other {
        /// The event type, e.g. `session.created`.
        event_type: String,
        /// The event's `data` object.
        data: Value,
    },
}

impl WebhookEvent {
    /// The event type as Clerk names it (`user.created`, …).
    pub fn event_type(&self) -> &str {
        match self {
            Self::UserCreated(_) => "user.created",
            Self::UserUpdated(_) => "user.updated",
            Self::UserDeleted { .. } => "user.deleted",
            Self::Other { event_type, .. } => event_type,
        }
    }

    /// Parses a (verified) event body.
    pub fn from_json(body: &[u8]) -> Result<Self, WebhookError> {
        #[derive(Deserialize)]
        struct Envelope {
            #[serde(rename = "type")]
            event_type: String,
            #[serde(default)]
            data: Value,
        }
        #[derive(Deserialize)]
        struct Deleted {
            #[serde(default)]
            id: Option<String>,
            #[serde(default)]
            deleted: bool,
        }
        let invalid = |error: serde_json::Error| WebhookError::InvalidPayload(error.to_string());
        let envelope: Envelope = serde_json::from_slice(body).map_err(invalid)?;
        Ok(match envelope.event_type.as_str() {
            "user.created" => {
                Self::UserCreated(serde_json::from_value(envelope.data).map_err(invalid)?)
            }
            "user.updated" => {
                Self::UserUpdated(serde_json::from_value(envelope.data).map_err(invalid)?)
            }
            "user.deleted" => {
                let Deleted { id, deleted } =
                    serde_json::from_value(envelope.data).map_err(invalid)?;
                Self::UserDeleted { id, deleted }
            }
            _ => Self::Other {
                event_type: envelope.event_type,
                data: envelope.data,
            },
        })
    }
}

/// A webhook whose signature and timestamp checked out.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedWebhook {
    /// `svix-id`: stable across Svix's retries, so use it to make handlers idempotent.
    pub message_id: String,
    /// `svix-timestamp`, Unix seconds.
    pub timestamp: i64,
    /// The event.
    pub event: WebhookEvent,
}

/// A webhook endpoint's signing key, and the deliveries it verified lately (shared by its
/// clones: build one per endpoint). `Debug` never shows the key.
#[derive(Clone)]
pub struct Webhook {
    key: hmac::Key,
    delivered: Arc<Mutex<Delivered>>,
}

/// The `(svix-id, svix-timestamp)` pairs verified within the timestamp tolerance, oldest first.
#[derive(Default)]
struct Delivered {
    seen: HashSet<(Box<str>, i64)>,
    order: VecDeque<(Box<str>, i64)>,
}

impl Delivered {
    /// Records a delivery at `now`; `false` when it was recorded already. Entries whose
    /// timestamp can no longer verify are dropped first, then the oldest above the limit.
    fn record(&mut self, message_id: &str, timestamp: i64, now: i64) -> bool {
        let tolerance = TIMESTAMP_TOLERANCE_SECS as i64;
        while let Some((_, at)) = self.order.front() {
            let expired = at.saturating_add(tolerance) < now;
            if !expired && self.order.len() < MAX_REMEMBERED_DELIVERIES {
                break;
            }
            if let Some(oldest) = self.order.pop_front() {
                self.seen.remove(&oldest);
            }
        }
        let key: (Box<str>, i64) = (message_id.into(), timestamp);
        if !self.seen.insert(key.clone()) {
            return false;
        }
        self.order.push_back(key);
        true
    }

    fn forget(&mut self, message_id: &str, timestamp: i64) {
        let key: (Box<str>, i64) = (message_id.into(), timestamp);
        if self.seen.remove(&key) {
            self.order.retain(|entry| *entry != key);
        }
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Webhook { key: [redacted] }")
    }
}

impl Webhook {
    /// Parses a `whsec_<base64>` signing secret.
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        let secret = secret.trim();
        if secret.is_empty() {
            return Err(WebhookError::MissingSecret);
        }
        let encoded = secret
            .strip_prefix("whsec_")
            .ok_or(WebhookError::MalformedSecret(
                "it does not start with `whsec_`",
            ))?;
        let key = STANDARD
            .decode(encoded)
            .map_err(|_| WebhookError::MalformedSecret("the part after `whsec_` is not base64"))?;
        if key.is_empty() {
            return Err(WebhookError::MalformedSecret(
                "the key after `whsec_` is empty",
            ));
        }
        Ok(Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, &key),
            delivered: Arc::default(),
        })
    }

    /// Reads the secret from `CLERK_WEBHOOK_SIGNING_SECRET`.
    pub fn from_env() -> Result<Self, WebhookError> {
        Self::new(
            &Env::new(env::process)
                .text(WEBHOOK_SECRET_ENV)
                .unwrap_or_default(),
        )
    }

    /// The `v1,<base64>` signature of a message (for tests and local tooling).
    pub fn sign(&self, message_id: &str, timestamp: i64, body: &[u8]) -> String {
        let tag = self.tag(message_id, timestamp, body);
        format!("v1,{}", STANDARD.encode(tag.as_ref()))
    }

    /// HMAC-SHA256 over `"{id}.{timestamp}.{body}"`, the bytes the sender signed (the body
    /// is not copied).
    fn tag(&self, message_id: &str, timestamp: i64, body: &[u8]) -> hmac::Tag {
        let mut context = hmac::Context::with_key(&self.key);
        context.update(format!("{message_id}.{timestamp}.").as_bytes());
        context.update(body);
        context.sign()
    }

    /// Verifies a delivery (its headers and raw body) against the current time and parses
    /// its event: the one check behind the [`VerifiedWebhook`] extractor, for handlers that
    /// take the body themselves (`webhook.verify(&headers, &body)?`; the error is a 400
    /// response). See [`Webhook::verify_at`] for the rules.
    pub fn verify(
        &self,
        headers: &HeaderMap,
        raw_body: &[u8],
    ) -> Result<VerifiedWebhook, WebhookError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| {
                i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
            });
        self.verify_at(headers, raw_body, now)
    }

    /// [`Webhook::verify`] as if the current time were `now` (Unix seconds): for recorded
    /// deliveries and test vectors.
    ///
    /// A delivery verifies once: the same `svix-id` with the same `svix-timestamp` again is
    /// [`WebhookError::Replayed`] (a 200) while that timestamp is within the tolerance
    /// (at most [`MAX_REMEMBERED_DELIVERIES`] remembered). A handler that fails (answers
    /// non-2xx, so Svix retries) may call [`Webhook::forget`] so an identical retry is
    /// processed again.
    ///
    /// The cost is bounded whatever the request: a body above [`MAX_BODY_BYTES`], a
    /// signature header above [`MAX_SIGNATURE_HEADER_BYTES`] or with more than
    /// [`MAX_SIGNATURES`] entries is refused before any MAC; otherwise the expected tag is
    /// computed once and every `v1,` candidate is compared with it in constant time.
    pub fn verify_at(
        &self,
        headers: &HeaderMap,
        raw_body: &[u8],
        now: i64,
    ) -> Result<VerifiedWebhook, WebhookError> {
        let id = header(headers, ID_HEADERS);
        let timestamp = header(headers, TIMESTAMP_HEADERS);
        let signatures = header(headers, SIGNATURE_HEADERS);
        let (Some(id), Some(timestamp), Some(signatures)) = (id, timestamp, signatures) else {
            let present = [id, timestamp, signatures].map(|value| value.is_some());
            let names = [ID_HEADERS[0], TIMESTAMP_HEADERS[0], SIGNATURE_HEADERS[0]];
            let missing = names
                .into_iter()
                .zip(present)
                .filter_map(|(name, present)| (!present).then_some(name))
                .collect();
            return Err(WebhookError::MissingHeaders(missing));
        };
        if raw_body.len() > MAX_BODY_BYTES {
            return Err(WebhookError::BodyTooLarge {
                limit: MAX_BODY_BYTES,
            });
        }
        if signatures.len() > MAX_SIGNATURE_HEADER_BYTES {
            return Err(WebhookError::SignatureHeaderTooLong {
                bytes: signatures.len(),
            });
        }
        let entries = || signatures.split(' ').filter(|entry| !entry.is_empty());
        let count = entries().count();
        if count > MAX_SIGNATURES {
            return Err(WebhookError::TooManySignatures { count });
        }
        let timestamp: i64 = timestamp
            .parse()
            .map_err(|_| WebhookError::InvalidTimestamp)?;
        let skew_secs = now.abs_diff(timestamp);
        if skew_secs > TIMESTAMP_TOLERANCE_SECS {
            return Err(WebhookError::TimestampOutOfTolerance { skew_secs });
        }
        let expected = self.tag(id, timestamp, raw_body);
        // Every candidate is compared (no early exit), each in constant time.
        let matches = entries()
            .filter_map(|entry| entry.strip_prefix("v1,"))
            .filter_map(|signature| STANDARD.decode(signature).ok())
            .fold(0u8, |found, candidate| {
                found | candidate.as_slice().ct_eq(expected.as_ref()).unwrap_u8()
            });
        if matches == 0 {
            return Err(WebhookError::NoMatchingSignature);
        }
        let event = WebhookEvent::from_json(raw_body)?;
        let first = self
            .delivered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .record(id, timestamp, now);
        if !first {
            return Err(WebhookError::Replayed {
                message_id: id.to_owned(),
                timestamp,
            });
        }
        Ok(VerifiedWebhook {
            message_id: id.to_owned(),
            timestamp,
            event,
        })
    }

    /// Forgets a verified delivery, so the same one verifies again: for a handler that could
    /// not process it and answers non-2xx (Svix then retries).
    pub fn forget(&self, message: &VerifiedWebhook) {
        self.delivered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .forget(&message.message_id, message.timestamp);
    }
}

impl<S> FromRequest<S> for VerifiedWebhook
where
    S: Send + Sync,
    Webhook: FromRef<S>,
{
    type Rejection = WebhookError;

    /// Reads at most [`MAX_BODY_BYTES`] of the body (above: [`WebhookError::BodyTooLarge`],
    /// a 413), then verifies.
    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let webhook = Webhook::from_ref(state);
        let (parts, body) = request.into_parts();
        let body = Limited::new(body, MAX_BODY_BYTES)
            .collect()
            .await
            .map_err(|error| match error.downcast_ref::<LengthLimitError>() {
                Some(_) => WebhookError::BodyTooLarge {
                    limit: MAX_BODY_BYTES,
                },
                None => WebhookError::UnreadableBody(error.to_string()),
            })?
            .to_bytes();
        webhook.verify(&parts.headers, &body)
    }
}

/// The first non-empty value among the given header names.
fn header<'h>(headers: &'h HeaderMap, names: [&str; 2]) -> Option<&'h str> {
    names.into_iter().find_map(|name| {
        let value = headers.get(name)?.to_str().ok()?.trim();
        (!value.is_empty()).then_some(value)
    })
}
