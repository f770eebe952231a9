//! Why a login failed (logged in full, shown to the user as a short page or an `?error=` code),
//! and why the OAuth configuration is unusable ([`OAuthConfigError`]).

use http::StatusCode;

/// A failed login attempt. `Display` is the log line (text from the provider or the request is
/// escaped, so it cannot forge log lines); [`LoginError::user_message`] is for humans.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// `successRedirect`/`failureRedirect` was not a same-origin path.
    #[error(
        "rejected redirect target {0:?}: only same-origin paths such as /dashboard are allowed"
    )]
    UnsafeRedirect(String),
    /// The callback arrived without a (readable) pending-login cookie.
    #[error("no pending login cookie: the login was not started here, cookies are blocked, or it was already used")]
    MissingLoginState,
    /// The pending-login cookie is older than 10 minutes.
    #[error("the pending login expired: start again from /auth/clerk/login")]
    LoginExpired,
    /// `state` was missing or did not match the pending login.
    #[error("the state parameter is missing or does not match the pending login (possible CSRF)")]
    StateMismatch,
    /// The provider redirected back with `error=…`.
    #[error(
        "the provider returned error={}: {}",
        .code.escape_debug(),
        .description.escape_debug()
    )]
    ProviderDenied {
        /// The OAuth error code, e.g. `access_denied`.
        code: String,
        /// `error_description`, if any.
        description: String,
    },
    /// The callback carried no `code`.
    #[error("the callback has no authorization code")]
    MissingCode,
    /// The token endpoint refused the code (replayed, expired, or wrong PKCE verifier).
    #[error("the token endpoint rejected the authorization code ({})", .0.escape_debug())]
    CodeRejected(String),
    /// The token endpoint answered with an unexpected error or body.
    #[error(
        "the token endpoint failed ({}); check CLERK_OAUTH_CLIENT_ID/SECRET",
        .0.escape_debug()
    )]
    TokenEndpoint(String),
    /// A provider endpoint did not answer in time.
    #[error("the {0} did not answer in time")]
    ProviderTimeout(&'static str),
    /// A provider endpoint could not be reached.
    #[error(
        "the provider could not be reached ({}); check CLERK_OAUTH_DOMAIN",
        .0.escape_debug()
    )]
    ProviderUnreachable(String),
    /// The ID token failed verification.
    #[error("the ID token is invalid: {}", .0.escape_debug())]
    IdToken(String),
    /// `openid` was requested but the token response carried no ID token, so the nonce
    /// (replay protection) could not be checked.
    #[error(
        "the token response has no id_token although the openid scope was requested; check \
         that the Clerk OAuth application allows the openid scope, or remove openid from \
         CLERK_OAUTH_SCOPES"
    )]
    MissingIdToken,
    /// The userinfo endpoint failed.
    #[error("the userinfo endpoint failed: {}", .0.escape_debug())]
    Userinfo(String),
    /// The app's verify hook refused the user.
    #[error("the app's verify hook rejected the user: {}", .0.escape_debug())]
    Rejected(String),
}

impl LoginError {
    /// Short machine-readable code, appended as `?error=` to `failureRedirect`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnsafeRedirect(_) => "unsafe_redirect",
            Self::MissingLoginState => "missing_login_state",
            Self::LoginExpired => "login_expired",
            Self::StateMismatch => "state_mismatch",
            Self::ProviderDenied { code, .. } if code == "access_denied" => "access_denied",
            Self::ProviderDenied { .. } => "provider_error",
            Self::MissingCode => "missing_code",
            Self::CodeRejected(_) => "code_rejected",
            Self::TokenEndpoint(_) => "token_endpoint_error",
            Self::ProviderTimeout(_) => "provider_timeout",
            Self::ProviderUnreachable(_) => "provider_unreachable",
            Self::IdToken(_) => "invalid_id_token",
            Self::MissingIdToken => "missing_id_token",
            Self::Userinfo(_) => "userinfo_failed",
            Self::Rejected(_) => "user_rejected",
        }
    }

    /// `Retry-After` of a 503 error page (the sign-in service is slow or unreachable).
    pub const RETRY_AFTER_SECS: u64 = 5;

    /// Status of the error page: 4xx for bad input, 503 (with `Retry-After`) when the provider
    /// is slow or unreachable, 502 when it answers nonsense.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::UnsafeRedirect(_) | Self::MissingCode | Self::MissingLoginState => {
                StatusCode::BAD_REQUEST
            }
            Self::StateMismatch | Self::LoginExpired => StatusCode::BAD_REQUEST,
            Self::ProviderDenied { .. } | Self::CodeRejected(_) => StatusCode::UNAUTHORIZED,
            Self::IdToken(_) | Self::Rejected(_) => StatusCode::FORBIDDEN,
            Self::ProviderTimeout(_) | Self::ProviderUnreachable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::TokenEndpoint(_) | Self::Userinfo(_) | Self::MissingIdToken => {
                StatusCode::BAD_GATEWAY
            }
        }
    }

    /// What the person signing in is told (no internals, no secrets).
    pub fn user_message(&self) -> &'static str {
        match self {
            Self::UnsafeRedirect(_) => "The sign-in link points outside this site.",
            Self::MissingLoginState | Self::StateMismatch => {
                "This sign-in attempt could not be matched to your browser. Please start again."
            }
            Self::LoginExpired => "This sign-in attempt took too long. Please start again.",
            Self::ProviderDenied { .. } => "Sign-in was cancelled or denied.",
            Self::MissingCode | Self::CodeRejected(_) => {
                "The sign-in code was invalid or already used. Please start again."
            }
            Self::ProviderTimeout(_) | Self::ProviderUnreachable(_) | Self::TokenEndpoint(_) => {
                "The sign-in service is not responding. Please try again in a moment."
            }
            Self::IdToken(_) | Self::Userinfo(_) | Self::MissingIdToken => {
                "The sign-in service returned an invalid answer. Please try again."
            }
            Self::Rejected(_) => "Your account is not allowed to sign in here.",
        }
    }
}

/// A minimal, self-contained HTML error page (the message is static text; nothing is echoed).
pub(crate) fn error_page(error: &LoginError, login_path: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in failed</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
         <body><main><h1>Sign-in failed</h1><p>{}</p><p><small>Error code: {}</small></p>\
         <p><a href=\"{login_path}\">Try again</a> · <a href=\"/\">Home</a></p></main></body></html>",
        error.user_message(),
        error.code(),
    )
}

/// A configuration problem found at start-up; each message names the variable and the fix.
#[derive(Debug, thiserror::Error)]
pub enum OAuthConfigError {
    /// A required variable is unset or empty.
    #[error("{var} is not set: {hint}")]
    Missing {
        /// The environment variable.
        var: &'static str,
        /// How to fix it.
        hint: &'static str,
    },
    /// A variable is set but unusable.
    #[error("{var} is invalid: {reason}. {hint}")]
    Invalid {
        /// The environment variable.
        var: &'static str,
        /// What is wrong with the value (never the value of a secret).
        reason: String,
        /// How to fix it.
        hint: &'static str,
    },
}
