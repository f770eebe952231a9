//! Errors: [`DevInstanceError`] for opening the instance, [`ApiError`] for HTTP answers in
//! Clerk's error envelope.

use std::path::PathBuf;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Why the local Clerk dev instance could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DevInstanceError {
    /// The build is a release build and the config did not opt in.
    #[error(
        "the local Clerk dev instance refuses to run in a release build: it mints session tokens \
         the app trusts. Set CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY to a real Clerk instance, \
         or set DevInstanceConfig::allow_in_release if you really want the emulator"
    )]
    ReleaseBuild,
    /// The app listens on a non-loopback address and the config did not opt in.
    #[error(
        "the local Clerk dev instance refuses to serve on {addr}: anyone who can reach this \
         address could read its secret key on /__clerk/dev and sign in as any user. Bind \
         127.0.0.1 (LEPTOS_SITE_ADDR=127.0.0.1:{port}), or set CLERK_PUBLISHABLE_KEY and \
         CLERK_SECRET_KEY to use a real Clerk instance, or set CLERK_DEV_INSTANCE_ALLOW_REMOTE=1 \
         (DevInstanceConfig::allow_remote) if you really mean to expose it"
    )]
    RemoteBind {
        /// The refused bind address.
        addr: std::net::SocketAddr,
        /// Its port (for the suggested loopback address).
        port: u16,
    },
    /// A `CLERK_DEV_*` environment variable is malformed ([`crate::DevInstanceConfig::from_env`]).
    #[error("{name} is invalid: {fix}")]
    InvalidVariable {
        /// The variable.
        name: &'static str,
        /// How to fix it.
        fix: &'static str,
    },
    /// No app origin was configured.
    #[error(
        "DevInstanceConfig::app_origins is empty: list the origins the app is served from, e.g. \
         \"http://127.0.0.1:3000\""
    )]
    NoAppOrigins,
    /// The data folder or a file in it could not be created, read or written.
    #[error("cannot use the dev instance data folder {path}: {source}. Check that it is writable or point DevInstanceConfig::data_dir elsewhere")]
    DataDir {
        /// The folder or file concerned.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The SQLite database could not be opened or migrated.
    #[error("cannot open the dev instance database: {0}. Delete the data folder (e.g. .clerk-dev/) to start afresh")]
    Database(#[from] rusqlite::Error),
    /// The stored RSA signing key is unreadable.
    #[error("the dev instance signing key {path} is invalid ({reason}). Delete it; a new one is generated on the next start")]
    SigningKey {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A password could not be hashed.
    #[error("cannot hash the demo user's password: {0}")]
    PasswordHash(String),
    /// `CLERK_DEV_INSTANCE_ENVIRONMENT` named neither kind of instance.
    #[error(
        "unknown instance environment {0:?} (CLERK_DEV_INSTANCE_ENVIRONMENT): use \"development\" (pk_test_ keys, the default) or \
         \"production\" (pk_live_ keys)"
    )]
    UnknownEnvironment(String),
}

/// An error answer in Clerk's envelope: `{"errors":[{code,message,long_message,meta}]}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    long_message: String,
    param_name: Option<&'static str>,
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error with the given HTTP status, Clerk error code and messages.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            status,
            code,
            long_message: message.clone(),
            message,
            param_name: None,
            retry_after: None,
        }
    }

    /// Adds a `Retry-After` header (seconds), as Clerk does on 429.
    pub(crate) fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Adds the long message clerk-js shows in forms.
    pub fn long(mut self, long_message: impl Into<String>) -> Self {
        self.long_message = long_message.into();
        self
    }

    /// Names the form field the error belongs to (`meta.param_name`).
    pub fn param(mut self, name: &'static str) -> Self {
        self.param_name = Some(name);
        self
    }

    /// 422 with `code` for form field `param`.
    pub fn form(code: &'static str, param: &'static str, message: &str) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message).param(param)
    }

    /// 401 `signed_out`: clerk-js then refetches the client and shows the signed-out state.
    pub fn signed_out() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "signed_out", "Signed out")
            .long("You are signed out. Sign in again.")
    }

    /// 404 `resource_not_found`.
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "resource_not_found", "not found")
            .long(format!("{what} not found"))
    }

    /// 500 for a storage failure; the details go to the log, not to the client.
    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        tracing::error!("clerk dev instance: {context}: {error}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_clerk_error",
            "Something went wrong",
        )
        .long("The local Clerk dev instance failed; see the server log.")
    }

    /// The Clerk error code (e.g. `form_password_incorrect`).
    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> Self {
        Self::internal("database", error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let meta = match self.param_name {
            Some(name) => json!({ "param_name": name }),
            None => json!({}),
        };
        let body = json!({
            "errors": [{
                "code": self.code,
                "message": self.message,
                "long_message": self.long_message,
                "meta": meta,
            }],
            "clerk_trace_id": crate::util::random_token(16),
        });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
