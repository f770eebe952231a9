//! [`FormBody`]: the form-urlencoded bodies ClerkJS and OAuth clients send.

use std::collections::HashMap;

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;

use crate::error::ApiError;

/// A form-urlencoded body (ClerkJS sends snake_case keys), read whatever the content type:
/// the last value of each key, and every pair in order (for repeated keys).
pub(crate) struct FormBody(pub HashMap<String, String>, pub Vec<(String, String)>);

impl FormBody {
    /// Every non-empty value of field `name` (`email_address=a&email_address=b`).
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.1
            .iter()
            .filter(|(key, value)| key == name && !value.is_empty())
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// A non-empty value of field `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

impl<S: Send + Sync> FromRequest<S> for FormBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "request_body_invalid",
                    "Unreadable body",
                )
            })?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "request_body_invalid",
                "Malformed form body",
            )
            .long("The request body must be application/x-www-form-urlencoded.")
        })?;
        Ok(Self(pairs.iter().cloned().collect(), pairs))
    }
}
