//! Reading the signed-in app user: axum extractors and Leptos server-function helpers.

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Redirect, Response};
use http::request::Parts;
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::routes::LOGIN_PATH;
use super::session::{decode_user, SessionCookie};
use crate::server::redirect::same_origin_path;

/// Why no user could be produced.
#[derive(Clone, Debug, thiserror::Error)]
pub enum OAuthRejection {
    /// Not signed in on a page request: redirect to `login_url` (303).
    #[error("sign-in required: continue at {login_url}")]
    SignInRequired {
        /// `/auth/clerk/login?successRedirect=<this page>`.
        login_url: String,
    },
    /// Not signed in on a non-GET request (server function, API): 401.
    #[error("not signed in: sign in at /auth/clerk/login first")]
    Unauthenticated,
    /// Called outside a request (no `http::request::Parts` in the Leptos context).
    #[error(
        "no request context: call this from a server function or during SSR under leptos_axum"
    )]
    NoRequestContext,
    /// The session layer is not installed.
    #[error(
        "the OAuth session layer is missing: add `.layer(oauth.session_layer())` to the app router"
    )]
    LayerMissing,
}

impl OAuthRejection {
    /// The login URL to redirect to, for [`OAuthRejection::SignInRequired`].
    pub fn login_url(&self) -> Option<&str> {
        match self {
            Self::SignInRequired { login_url } => Some(login_url),
            _ => None,
        }
    }
}

impl IntoResponse for OAuthRejection {
    fn into_response(self) -> Response {
        match self {
            Self::SignInRequired { login_url } => Redirect::to(&login_url).into_response(),
            Self::Unauthenticated => (StatusCode::UNAUTHORIZED, self.to_string()).into_response(),
            Self::NoRequestContext | Self::LayerMissing => {
                tracing::error!("{self}");
                (StatusCode::INTERNAL_SERVER_ERROR, self.to_string()).into_response()
            }
        }
    }
}

/// `/auth/clerk/login?successRedirect=<path>` (the path is made a same-origin path, then
/// percent-encoded).
pub fn login_url(success_redirect: &str) -> String {
    let path = same_origin_path(success_redirect);
    let encoded: String = oauth2::url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
    format!("{LOGIN_PATH}?successRedirect={encoded}")
}

/// The signed-in app user from request parts; `Ok(None)` when signed out.
pub fn oauth_user_from_parts<U: DeserializeOwned>(
    parts: &Parts,
) -> Result<Option<U>, OAuthRejection> {
    let cookie = parts
        .extensions
        .get::<SessionCookie>()
        .ok_or(OAuthRejection::LayerMissing)?;
    Ok(decode_user(cookie))
}

/// Like [`oauth_user_from_parts`], but signed out is a rejection fitting the request:
/// a redirect to the login page for GET/HEAD, 401 otherwise.
pub fn require_oauth_user_from_parts<U: DeserializeOwned>(
    parts: &Parts,
) -> Result<U, OAuthRejection> {
    oauth_user_from_parts(parts)?.ok_or_else(|| {
        if parts.method == Method::GET || parts.method == Method::HEAD {
            let here = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
            OAuthRejection::SignInRequired {
                login_url: login_url(here),
            }
        } else {
            OAuthRejection::Unauthenticated
        }
    })
}

/// The signed-in app user inside a Leptos server function or SSR (reads the
/// `http::request::Parts` leptos_axum provides); `Ok(None)` when signed out.
pub fn oauth_user<U: DeserializeOwned>() -> Result<Option<U>, OAuthRejection> {
    leptos::prelude::with_context::<Parts, _>(oauth_user_from_parts::<U>)
        .unwrap_or(Err(OAuthRejection::NoRequestContext))
}

/// The signed-in app user for a protected page or server function. On
/// [`OAuthRejection::SignInRequired`] call `leptos_axum::redirect(login_url)`.
pub fn require_oauth_user<U: DeserializeOwned>() -> Result<U, OAuthRejection> {
    leptos::prelude::with_context::<Parts, _>(require_oauth_user_from_parts::<U>)
        .unwrap_or(Err(OAuthRejection::NoRequestContext))
}

/// Extractor for the signed-in app user; rejects with 401 when signed out.
/// Use `Option<OAuthUser<U>>` for pages that work either way.
#[derive(Clone, Debug)]
pub struct OAuthUser<U>(pub U);

impl<U: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for OAuthUser<U> {
    type Rejection = OAuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        oauth_user_from_parts(parts)?
            .map(Self)
            .ok_or(OAuthRejection::Unauthenticated)
    }
}

impl<U: DeserializeOwned, S: Send + Sync> axum::extract::OptionalFromRequestParts<S>
    for OAuthUser<U>
{
    type Rejection = OAuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(oauth_user_from_parts(parts)?.map(Self))
    }
}

/// Extractor for protected pages: redirects to the login page (GET/HEAD) or answers 401.
#[derive(Clone, Debug)]
pub struct RequireOAuthUser<U>(pub U);

impl<U: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for RequireOAuthUser<U> {
    type Rejection = OAuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        require_oauth_user_from_parts(parts).map(Self)
    }
}
