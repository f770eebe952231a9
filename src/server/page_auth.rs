//! The loader-side guard for protected pages and server functions.

use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use leptos_clerk::server::{require_auth, Auth, AuthError};

use crate::AppError;

/// A signed-in request's auth: like [`Auth`], but the user id is always there.
#[derive(Clone, Debug)]
pub struct SignedIn {
    auth: Auth,
    user_id: String,
}

impl SignedIn {
    /// The signed-in [`SignedIn`] of `auth`, or `None` when `auth` has no user.
    pub fn new(auth: Auth) -> Option<Self> {
        let user_id = auth.user_id()?.to_owned();
        Some(SignedIn { auth, user_id })
    }

    /// `sub`: the signed-in user's id (`user_…`).
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// `sid`: the session id (absent only for tokens without a session).
    pub fn session_id(&self) -> Option<&str> {
        self.auth.session_id()
    }

    /// The whole [`Auth`] (organization, roles, permissions, `has()`).
    pub fn auth(&self) -> &Auth {
        &self.auth
    }
}

/// Like a Remix loader's `getAuth` + `redirect`: the [`SignedIn`] user, or, when signed out,
/// [`AppError::SignedOut`] with a redirect to the sign-in page (for a page being rendered on
/// the server; `redirect_url` brings the user back) or a 401 (for a server function called from
/// the browser).
pub fn require_user() -> Result<SignedIn, AppError> {
    match require_auth() {
        Ok(auth) => SignedIn::new(auth).ok_or_else(unauthenticated),
        Err(AuthError::SignedOut { sign_in_url }) => {
            leptos_axum::redirect(&sign_in_url);
            Err(AppError::SignedOut {
                sign_in_url: Some(sign_in_url),
            })
        }
        Err(AuthError::Unauthenticated) => Err(unauthenticated()),
        Err(e) => Err(AppError::server(e)),
    }
}

/// [`AppError::SignedOut`] answered with a 401 (a server-function call, no redirect).
fn unauthenticated() -> AppError {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(axum::http::StatusCode::UNAUTHORIZED);
    }
    AppError::SignedOut { sign_in_url: None }
}
