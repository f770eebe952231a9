//! OAuth 2.0 provider ("Sign in with Clerk"): the endpoints of a Clerk OAuth application, so
//! that `leptos_clerk`'s `oauth` strategy works offline against the dev instance.
//!
//! | Route | What it does |
//! |---|---|
//! | `GET /oauth/authorize` | code flow with PKCE S256: code at once when the browser's client has an active session, else a sign-in form |
//! | `POST /oauth/authorize` | the form: email + password (or Cancel → `error=access_denied`) |
//! | `POST /oauth/token` | `authorization_code` grant; client auth by HTTP Basic or `client_secret` |
//! | `GET /oauth/userinfo` | the profile for a Bearer access token |
//! | `GET /.well-known/jwks.json` | the signing keys (served with the Frontend API) |
//!
//! Clients come from [`crate::DevInstanceConfig::oauth_clients`]. Pending sign-ins (10 min),
//! codes (60 s, single use) and access tokens (1 h) live in memory only: a restart signs OAuth
//! apps out of nothing but their in-flight logins, and nothing secret reaches the database.
//! Errors are RFC 6749 JSON (`{"error","error_description"}`) or, before the redirect URI is
//! known to be safe, a small HTML page; bad input never causes a 5xx.

mod authorize;
mod form;
mod grants;
mod token;
mod userinfo;

use std::sync::Arc;

use axum::http::header::{CACHE_CONTROL, WWW_AUTHENTICATE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

pub(crate) use grants::OAuthState;

use crate::instance::Instance;

/// Scopes the instance knows; anything else is `invalid_scope`.
pub(crate) const KNOWN_SCOPES: [&str; 5] = [
    "openid",
    "profile",
    "email",
    "public_metadata",
    "private_metadata",
];

/// The OAuth routes (nested with the rest of the instance at `/__clerk`).
pub(crate) fn router() -> Router<Arc<Instance>> {
    Router::new()
        .route(
            "/oauth/authorize",
            get(authorize::show).post(authorize::submit),
        )
        .route("/oauth/token", axum::routing::post(token::exchange))
        .route("/oauth/userinfo", get(userinfo::get).post(userinfo::get))
}

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
