//! [`AppError`]: the typed error of the app's server functions, shared by the server (which
//! returns it) and the browser (which matches it by variant).

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What a server function of the app can fail with. It crosses the server-function boundary as
/// JSON, so pages match variants instead of error text: e.g. [`AppError::SignedOut`] →
/// `<RedirectToSignIn/>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Nobody is signed in. On a page rendered by the server the response is already a
    /// redirect to `sign_in_url`; a call from the browser answers 401 and the page redirects.
    #[error("signed out: sign in to continue")]
    SignedOut {
        /// The sign-in URL with `redirect_url=<this page>`, when the server rendered the page
        /// (`None` for a server-function call: the page knows where it is).
        sign_in_url: Option<String>,
    },
    /// Signed in, but not allowed: the active organization or the role in it is not the one
    /// the page or call needs (answered with a 403); the text says what is missing.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The feature the function needs is not configured; the text names the setting to add.
    #[error("{0}")]
    NotConfigured(String),
    /// The input was refused; the text says what to change.
    #[error("{0}")]
    BadInput(String),
    /// Clerk, the sign-in service, is slow, down or rate limiting: nothing is wrong with the
    /// request. On a page rendered by the server the response is a 503 with `Retry-After`;
    /// a call from the browser answers the same. Pages render `<ServiceUnavailable/>`.
    #[error("the sign-in service is unavailable right now: try again in {retry_after_secs} s")]
    Unavailable {
        /// Seconds until trying again makes sense.
        retry_after_secs: u64,
    },
    /// The server failed (a Clerk API call, a missing layer); details are in the server log.
    #[error("server error: {0}")]
    Server(String),
    /// The server-function machinery failed (network, encoding, missing registration).
    #[error(transparent)]
    ServerFn(#[from] ServerFnErrorErr),
}

impl AppError {
    /// [`AppError::Server`] for `error`, logged on the server (the browser sees its text).
    pub fn server(error: impl std::fmt::Display) -> Self {
        tracing::error!("{error}");
        AppError::Server(error.to_string())
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// `Retry-After` when Clerk gave no better hint.
    pub const DEFAULT_RETRY_AFTER_SECS: u64 = 5;

    /// The error for a failed Backend API call: [`AppError::Unavailable`], with the response
    /// set to 503 and `Retry-After`, when Clerk is slow, down or rate limiting (the call ended
    /// within its deadline); otherwise [`AppError::server`].
    pub fn backend_api(error: leptos_clerk::server::backend_api::BackendApiError) -> Self {
        if !error.is_unavailable() {
            return AppError::server(error);
        }
        tracing::warn!("{error}");
        let retry_after_secs = error
            .retry_after()
            .map(|wait| wait.as_secs_f64().ceil() as u64)
            .unwrap_or(Self::DEFAULT_RETRY_AFTER_SECS)
            .max(1);
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::SERVICE_UNAVAILABLE);
            response.insert_header(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(retry_after_secs),
            );
        }
        AppError::Unavailable { retry_after_secs }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::ServerFn(value)
    }
}
