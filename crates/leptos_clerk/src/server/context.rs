//! Reading the auth state: [`get_auth`], [`require_auth`] and [`get_clerk`] for
//! `#[server]` functions and SSR components (through the `http::request::Parts`
//! that leptos_axum puts into the Leptos context), and axum extractors.
//!
//! Protecting a page in a component or server function:
//!
//! ```ignore
//! match leptos_clerk::server::require_auth() {
//!     Ok(auth) => { /* signed in */ }
//!     Err(AuthError::SignedOut { sign_in_url }) => leptos_axum::redirect(&sign_in_url),
//!     Err(other) => return Err(other.into()),
//! }
//! ```

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::request::Parts;
use http::StatusCode;
use serde_json::json;
use thiserror::Error;

use super::auth::Auth;
use super::clerk::Clerk;
use super::handshake::is_document_request;
use super::redirect::same_origin_path;
use crate::state::ClerkState;

/// Why the auth state is not available or not good enough.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum AuthError {
    /// Called outside a request rendered or served by leptos_axum.
    #[error(
        "no HTTP request in the Leptos context: call get_auth() inside a #[server] function or \
         a component rendered on the server by leptos_axum"
    )]
    NoRequest,
    /// The request did not go through [`super::ClerkLayer`].
    #[error("Clerk is not installed: add `.layer(clerk.layer())` to your axum Router")]
    LayerMissing,
    /// A page needs a signed-in user: redirect the browser to `sign_in_url`
    /// (e.g. with `leptos_axum::redirect(&sign_in_url)`).
    #[error("signed out: sign in at {sign_in_url}")]
    SignedOut {
        /// The sign-in URL with `redirect_url=<this page>`.
        sign_in_url: String,
    },
    /// A server function or API call needs a signed-in user (HTTP 401).
    #[error(
        "unauthenticated: sign in, and send the session token as `Authorization: Bearer …` \
         (or the __session cookie)"
    )]
    Unauthenticated,
}

impl AuthError {
    /// The HTTP status this error maps to.
    pub fn status_code(&self) -> StatusCode {
        match self {
            AuthError::NoRequest | AuthError::LayerMissing => StatusCode::INTERNAL_SERVER_ERROR,
            AuthError::SignedOut { .. } => StatusCode::TEMPORARY_REDIRECT,
            AuthError::Unauthenticated => StatusCode::UNAUTHORIZED,
        }
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        if let AuthError::SignedOut { sign_in_url } = &self {
            return (
                StatusCode::TEMPORARY_REDIRECT,
                [(http::header::LOCATION, sign_in_url.as_str())],
            )
                .into_response();
        }
        let code = match self {
            AuthError::Unauthenticated => "unauthenticated",
            _ => "clerk_not_configured",
        };
        let body = json!({ "error": code, "message": self.to_string() });
        (self.status_code(), Json(body)).into_response()
    }
}

/// What [`super::ClerkLayer`] learned about one request, stored in its extensions as one
/// `Arc<ClerkRequest>`: one entry is cheaper to insert, and to copy when leptos_axum copies the
/// request head for a page, than three.
#[derive(Debug)]
pub(crate) struct ClerkRequest {
    /// The request's auth object.
    pub(crate) auth: Auth,
    /// The browser state to render into the page (shared between requests where possible).
    pub(crate) state: Arc<ClerkState>,
    /// The handle that authenticated the request.
    pub(crate) clerk: Clerk,
}

/// What the layer stored for the request with head `parts`.
pub(crate) fn clerk_request(parts: &Parts) -> Result<&ClerkRequest, AuthError> {
    parts
        .extensions
        .get::<Arc<ClerkRequest>>()
        .map(Arc::as_ref)
        .ok_or(AuthError::LayerMissing)
}

/// The [`Auth`] of a request that went through the layer.
pub(crate) fn auth_from_parts(parts: &Parts) -> Result<Auth, AuthError> {
    clerk_request(parts).map(|request| request.auth.clone())
}

/// The [`Auth`] of the current request, for `#[server]` functions and SSR.
pub fn get_auth() -> Result<Auth, AuthError> {
    with_request(auth_from_parts)
}

/// Runs `read` on the request head leptos_axum provides, without copying it.
fn with_request<T>(read: impl FnOnce(&Parts) -> Result<T, AuthError>) -> Result<T, AuthError> {
    leptos::prelude::with_context::<Parts, _>(read).unwrap_or(Err(AuthError::NoRequest))
}

/// The shared [`Clerk`] handle of the current request.
pub fn get_clerk() -> Result<Clerk, AuthError> {
    with_request(|parts| clerk_request(parts).map(|request| request.clerk.clone()))
}

/// The [`ClerkState`] of the current request, to render into the page.
pub fn get_clerk_state() -> Result<ClerkState, AuthError> {
    with_request(|parts| clerk_request(parts).map(|request| ClerkState::clone(&request.state)))
}

/// A signed-in [`Auth`], or [`AuthError::SignedOut`] (page loads: redirect to
/// the sign-in URL) / [`AuthError::Unauthenticated`] (server functions, API).
pub fn require_auth() -> Result<Auth, AuthError> {
    with_request(require_auth_from_parts)
}

/// [`require_auth`] for a given request head.
pub fn require_auth_from_parts(parts: &Parts) -> Result<Auth, AuthError> {
    let request = clerk_request(parts)?;
    if request.auth.is_authenticated() {
        return Ok(request.auth.clone());
    }
    if !is_document_request(&parts.headers) {
        return Err(AuthError::Unauthenticated);
    }
    Err(AuthError::SignedOut {
        sign_in_url: sign_in_url(&request.clerk.config().urls.sign_in_url, parts),
    })
}

/// `sign_in_url` with `redirect_url=<path and query of this request>` (always
/// a same-origin path: leading slashes and backslashes are collapsed).
pub(crate) fn sign_in_url(base: &str, parts: &Parts) -> String {
    let path = same_origin_path(parts.uri.path_and_query().map_or("/", |p| p.as_str()));
    let encoded: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}redirect_url={encoded}")
}

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        auth_from_parts(parts)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Clerk {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        clerk_request(parts).map(|request| request.clerk.clone())
    }
}

/// An extractor for API routes: a signed-in [`Auth`], else a 401 JSON body.
#[derive(Clone, Debug)]
pub struct RequireAuth(pub Auth);

impl<S: Send + Sync> FromRequestParts<S> for RequireAuth {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let auth = auth_from_parts(parts)?;
        if auth.is_authenticated() {
            Ok(RequireAuth(auth))
        } else {
            Err(AuthError::Unauthenticated)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(uri: &str) -> Parts {
        http::Request::get(uri).body(()).unwrap().into_parts().0
    }

    #[test]
    fn sign_in_url_keeps_the_redirect_same_origin() {
        assert_eq!(
            sign_in_url("/sign-in", &parts("/a/b?c=1")),
            "/sign-in?redirect_url=%2Fa%2Fb%3Fc%3D1"
        );
        assert_eq!(
            sign_in_url("https://accounts.example.com/sign-in?x=1", &parts("/p")),
            "https://accounts.example.com/sign-in?x=1&redirect_url=%2Fp"
        );
        // An absolute-form request target never becomes an absolute redirect.
        assert_eq!(
            sign_in_url("/sign-in", &parts("http://evil.example.com//x")),
            "/sign-in?redirect_url=%2Fx"
        );
    }

    #[test]
    fn errors_map_to_statuses() {
        assert_eq!(
            AuthError::Unauthenticated.status_code(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            AuthError::LayerMissing.status_code(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert!(AuthError::LayerMissing
            .to_string()
            .contains(".layer(clerk.layer())"));
    }
}
