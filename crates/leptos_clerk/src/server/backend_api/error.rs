//! Typed Backend API errors, parsed from Clerk's error envelope
//! `{"errors":[{code, message, long_message, meta}], "clerk_trace_id"}`.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One entry of the `errors` array of a Clerk error response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClerkErrorDetail {
    /// Machine-readable code, e.g. `resource_not_found` or `form_param_format_invalid`.
    #[serde(default)]
    pub code: String,
    /// Short human-readable message.
    #[serde(default)]
    pub message: String,
    /// Longer explanation, when Clerk sends one.
    #[serde(default)]
    pub long_message: Option<String>,
    /// Extra details, e.g. `{"param_name": "email_address"}` for form errors.
    #[serde(default)]
    pub meta: Option<serde_json::Value>,
}

impl ClerkErrorDetail {
    /// The offending parameter (`meta.param_name`) of a form error, if any.
    pub fn param_name(&self) -> Option<&str> {
        self.meta.as_ref()?.get("param_name")?.as_str()
    }
}

/// The body of a non-2xx Backend API response, plus its trace id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClerkErrors {
    /// The individual errors; empty when the body was not Clerk's envelope.
    #[serde(default)]
    pub errors: Vec<ClerkErrorDetail>,
    /// `clerk_trace_id` of the body, or else the `cf-ray` response header.
    #[serde(default)]
    pub clerk_trace_id: Option<String>,
}

impl fmt::Display for ClerkErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.errors.iter().enumerate() {
            let separator = if index == 0 { "" } else { "; " };
            let text = error.long_message.as_deref().unwrap_or(&error.message);
            write!(f, "{separator}{} ({text})", error.code)?;
        }
        if self.errors.is_empty() {
            f.write_str("no error details")?;
        }
        if let Some(trace_id) = &self.clerk_trace_id {
            write!(f, " [clerk_trace_id {trace_id}]")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong when calling Clerk's Backend API.
///
/// None of the messages contains the secret key.
#[derive(Debug, thiserror::Error)]
pub enum BackendApiError {
    /// The client configuration is unusable.
    #[error("invalid Backend API configuration: {0}")]
    Config(String),
    /// An argument cannot be sent as is (for example an empty user id).
    #[error("invalid argument `{name}`: {reason}")]
    InvalidArgument {
        /// The argument's name.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// 401: Clerk rejected the secret key.
    #[error(
        "Clerk rejected the secret key (401): check that CLERK_SECRET_KEY is the current secret \
         key (sk_test_… / sk_live_…) of this instance: {0}"
    )]
    Unauthorized(ClerkErrors),
    /// 404: the resource does not exist.
    #[error("Clerk Backend API resource not found (404): {0}")]
    NotFound(ClerkErrors),
    /// 422: Clerk rejected the request's parameters; see the field errors.
    #[error("Clerk rejected the request parameters (422): {0}")]
    Unprocessable(ClerkErrors),
    /// 429: the instance's rate limit was hit.
    #[error(
        "Clerk Backend API rate limit hit (429), retry after {retry_after:?}: {errors}; \
         cache Backend API results instead of calling it on every request"
    )]
    RateLimited {
        /// The `Retry-After` delay Clerk asked for, if any.
        retry_after: Option<Duration>,
        /// The error body.
        errors: ClerkErrors,
    },
    /// Any other non-2xx status.
    #[error("Clerk Backend API answered HTTP {status}: {errors}")]
    Status {
        /// The HTTP status code.
        status: u16,
        /// The error body.
        errors: ClerkErrors,
    },
    /// No complete answer in time: the attempt's timeout or the call's deadline ran out.
    #[error(
        "Clerk Backend API did not answer within {0:?}: Clerk is slow or unreachable; retry \
         later, or raise CLERK_API_DEADLINE_MS (BackendApiConfig::deadline)"
    )]
    Timeout(Duration),
    /// The call was not made: the Backend API failed repeatedly and the circuit breaker is
    /// open (see [`BreakerConfig`](super::BreakerConfig)).
    #[error(
        "Clerk Backend API is unavailable (it failed repeatedly): calls fail at once for \
         another {retry_in:?}, then one call checks whether it is back"
    )]
    CircuitOpen {
        /// How long until a call may try the Backend API again.
        retry_in: Duration,
    },
    /// The connection could not be made or broke off.
    #[error("could not reach the Clerk Backend API ({0}): check the network and CLERK_API_URL")]
    Connection(String),
    /// A 2xx answer whose body is not the expected JSON.
    #[error("Clerk Backend API sent malformed JSON (HTTP {status}): {message}")]
    MalformedResponse {
        /// The HTTP status code.
        status: u16,
        /// The JSON parser's complaint.
        message: String,
    },
}

impl BackendApiError {
    /// The HTTP status code Clerk answered with, for HTTP-level errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Unauthorized(_) => Some(401),
            Self::NotFound(_) => Some(404),
            Self::Unprocessable(_) => Some(422),
            Self::RateLimited { .. } => Some(429),
            Self::Status { status, .. } | Self::MalformedResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The parsed error envelope, for HTTP-level errors.
    pub fn clerk_errors(&self) -> Option<&ClerkErrors> {
        match self {
            Self::Unauthorized(errors)
            | Self::NotFound(errors)
            | Self::Unprocessable(errors)
            | Self::RateLimited { errors, .. }
            | Self::Status { errors, .. } => Some(errors),
            _ => None,
        }
    }

    /// The trace id to quote to Clerk support, if any.
    pub fn trace_id(&self) -> Option<&str> {
        self.clerk_errors()?.clerk_trace_id.as_deref()
    }

    /// Whether repeating the same idempotent request may succeed.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Timeout(_) | Self::Connection(_) => true,
            Self::Status { status, .. } => matches!(status, 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// Whether the Backend API itself failed (no answer, or 502/503/504): what the circuit
    /// breaker counts. Any other answer, 4xx and 500 included, shows that Clerk is up.
    pub(crate) fn is_outage(&self) -> bool {
        match self {
            Self::Timeout(_) | Self::Connection(_) => true,
            Self::Status { status, .. } => is_outage_status(*status),
            _ => false,
        }
    }

    /// Whether Clerk could not serve the call right now (slow, down, rate limited, or the
    /// breaker open), as opposed to an answer about the request: worth a 503 with
    /// `Retry-After` and a "try again" page rather than a 500.
    pub fn is_unavailable(&self) -> bool {
        self.is_outage() || matches!(self, Self::CircuitOpen { .. } | Self::RateLimited { .. })
    }

    /// How long to wait before trying again, when known: the `Retry-After` of a 429, or the
    /// rest of the breaker's cool-down.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            Self::CircuitOpen { retry_in } => Some(*retry_in),
            _ => None,
        }
    }

    /// Builds the error for a non-2xx response from its status, body and headers.
    pub(crate) fn from_response(
        status: u16,
        body: &[u8],
        cf_ray: Option<String>,
        retry_after: Option<Duration>,
    ) -> Self {
        let mut errors: ClerkErrors = serde_json::from_slice(body).unwrap_or_default();
        if errors.clerk_trace_id.as_deref().is_none_or(str::is_empty) {
            errors.clerk_trace_id = cf_ray;
        }
        match status {
            401 => Self::Unauthorized(errors),
            404 => Self::NotFound(errors),
            422 => Self::Unprocessable(errors),
            429 => Self::RateLimited {
                retry_after,
                errors,
            },
            _ => Self::Status { status, errors },
        }
    }
}

/// Whether an HTTP status says the upstream is down or overloaded (502, 503, 504), rather than
/// answering: what the circuit breakers count besides timeouts and failed connections.
pub(crate) fn is_outage_status(status: u16) -> bool {
    matches!(status, 502..=504)
}
