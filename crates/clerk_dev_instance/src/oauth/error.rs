//! [`OAuthError`], the RFC 6749 error answer, and the scopes the instance knows.

use axum::http::header::{CACHE_CONTROL, WWW_AUTHENTICATE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Scopes the instance knows; anything else is `invalid_scope`.
pub(crate) const KNOWN_SCOPES: [&str; 5] = [
    "openid",
    "profile",
    "email",
    "public_metadata",
    "private_metadata",
];

/// An RFC 6749 error answer: `{"error": code, "error_description": …}` with `no-store`.
#[derive(Debug)]
pub(crate) struct OAuthError {
    status: StatusCode,
    code: &'static str,
    description: String,
    challenge: Option<&'static str>,
}

impl OAuthError {
    /// 400 with `code`.
    pub(crate) fn bad(code: &'static str, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            description: description.into(),
            challenge: None,
        }
    }

    /// 401 `invalid_client` with a Basic challenge (RFC 6749 §5.2).
    pub(crate) fn invalid_client(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            challenge: Some("Basic realm=\"clerk-dev-instance\""),
            ..Self::bad("invalid_client", description)
        }
    }

    /// 401 `invalid_token` with a Bearer challenge (RFC 6750 §3.1).
    pub(crate) fn invalid_token(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            challenge: Some("Bearer error=\"invalid_token\""),
            ..Self::bad("invalid_token", description)
        }
    }

    /// 500 `server_error`; the cause goes to the log only.
    pub(crate) fn server(context: &str, error: impl std::fmt::Display) -> Self {
        tracing::error!("clerk dev instance oauth: {context}: {error}");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            ..Self::bad(
                "server_error",
                "the dev instance failed; see the server log",
            )
        }
    }
}

impl From<rusqlite::Error> for OAuthError {
    fn from(error: rusqlite::Error) -> Self {
        Self::server("database", error)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        tracing::debug!("oauth error {}: {}", self.code, self.description);
        let body = json!({ "error": self.code, "error_description": self.description });
        let mut response = (self.status, [(CACHE_CONTROL, "no-store")], Json(body)).into_response();
        if let Some(challenge) = self.challenge {
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, challenge.parse().expect("static header"));
        }
        response
    }
}
