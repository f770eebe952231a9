//! The loader-side guard for protected pages and server functions.

use leptos::prelude::{use_context, ServerFnError};
use leptos_axum::ResponseOptions;
use leptos_clerk::server::{require_auth, Auth, AuthError};

/// The error text a protected server function returns when nobody is signed in; pages render
/// `<RedirectToSignIn/>` when they see it (a client-side navigation cannot be redirected by the
/// server).
pub const SIGNED_OUT: &str = crate::routes::SIGNED_OUT_TEXT;

/// Like a Remix loader's `getAuth` + `redirect`: the signed-in [`Auth`], or, when signed out, a
/// redirect to the sign-in page (for a page being rendered on the server; `redirect_url` brings
/// the user back) or a 401 (for a server function called from the browser).
pub fn require_user() -> Result<Auth, ServerFnError> {
    match require_auth() {
        Ok(auth) => Ok(auth),
        Err(AuthError::SignedOut { sign_in_url }) => {
            leptos_axum::redirect(&sign_in_url);
            Err(ServerFnError::new(SIGNED_OUT))
        }
        Err(AuthError::Unauthenticated) => {
            if let Some(response) = use_context::<ResponseOptions>() {
                response.set_status(axum::http::StatusCode::UNAUTHORIZED);
            }
            Err(ServerFnError::new(SIGNED_OUT))
        }
        Err(e) => {
            tracing::error!("{e}");
            Err(ServerFnError::new(e.to_string()))
        }
    }
}
