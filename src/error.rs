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

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::ServerFn(value)
    }
}
