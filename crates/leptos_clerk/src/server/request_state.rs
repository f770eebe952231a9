//! [`RequestState`]: the outcome of `authenticate_request`, with Clerk's
//! `x-clerk-auth-status` / `-reason` / `-message` debug headers.

use std::sync::Arc;

use http::header::LOCATION;
use http::{HeaderMap, HeaderName, HeaderValue};

use super::auth::Auth;
use super::claims::SessionClaims;
use super::reasons::AuthReason;

/// `x-clerk-auth-status` (built at compile time, like the two below).
const AUTH_STATUS_HEADER: HeaderName = HeaderName::from_static("x-clerk-auth-status");
/// `x-clerk-auth-reason`.
const AUTH_REASON_HEADER: HeaderName = HeaderName::from_static("x-clerk-auth-reason");
/// `x-clerk-auth-message`.
const AUTH_MESSAGE_HEADER: HeaderName = HeaderName::from_static("x-clerk-auth-message");

/// The outcome of authenticating a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthStatus {
    /// A valid session token.
    SignedIn,
    /// No (valid) session.
    SignedOut,
    /// The browser must visit the Frontend API first (a 307 is returned).
    Handshake,
}

impl AuthStatus {
    /// Clerk's string: `signed-in`, `signed-out` or `handshake`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthStatus::SignedIn => "signed-in",
            AuthStatus::SignedOut => "signed-out",
            AuthStatus::Handshake => "handshake",
        }
    }
}

/// The result of [`Clerk::authenticate_request`](super::Clerk::authenticate_request).
#[derive(Clone, Debug)]
pub struct RequestState {
    /// Signed in, signed out or handshake.
    pub status: AuthStatus,
    /// Why (signed out / handshake).
    pub reason: Option<AuthReason>,
    /// Details for developers (also in `x-clerk-auth-message`).
    pub message: Option<String>,
    /// The verified session token (shared with the [`Auth`] made from this state).
    pub token: Option<Arc<str>>,
    /// Its claims.
    pub claims: Option<Arc<SessionClaims>>,
    /// Headers for the response: `x-clerk-auth-*`, `Set-Cookie`, `Location`…
    pub headers: HeaderMap,
}

impl RequestState {
    pub(super) fn new(
        status: AuthStatus,
        reason: Option<AuthReason>,
        message: Option<String>,
        mut headers: HeaderMap,
    ) -> Self {
        headers.insert(
            AUTH_STATUS_HEADER,
            HeaderValue::from_static(status.as_str()),
        );
        if let Some(reason) = reason {
            headers.insert(
                AUTH_REASON_HEADER,
                HeaderValue::from_static(reason.as_str()),
            );
        }
        if let Some(value) = message
            .as_deref()
            .and_then(|m| HeaderValue::from_str(m).ok())
        {
            headers.insert(AUTH_MESSAGE_HEADER, value);
        }
        RequestState {
            status,
            reason,
            message,
            token: None,
            claims: None,
            headers,
        }
    }

    pub(super) fn signed_in(claims: Arc<SessionClaims>, token: &str, headers: HeaderMap) -> Self {
        Self::signed_in_shared(claims, Arc::from(token), headers)
    }

    /// [`RequestState::signed_in`] with a token already shared (no copy).
    pub(super) fn signed_in_shared(
        claims: Arc<SessionClaims>,
        token: Arc<str>,
        headers: HeaderMap,
    ) -> Self {
        let mut state = RequestState::new(AuthStatus::SignedIn, None, None, headers);
        state.token = Some(token);
        state.claims = Some(claims);
        state
    }

    pub(super) fn signed_out(
        reason: AuthReason,
        message: Option<String>,
        headers: HeaderMap,
    ) -> Self {
        RequestState::new(AuthStatus::SignedOut, Some(reason), message, headers)
    }

    /// The redirect to send instead of running the app (handshake, or the
    /// development clean-up redirect after a handshake).
    pub fn redirect_location(&self) -> Option<&HeaderValue> {
        self.headers.get(LOCATION)
    }

    /// The [`Auth`] object (a pending session counts as signed out when
    /// `treat_pending_as_signed_out`).
    pub fn to_auth(&self, treat_pending_as_signed_out: bool) -> Auth {
        match (&self.claims, &self.token) {
            (Some(claims), Some(token)) if self.status == AuthStatus::SignedIn => {
                Auth::from_shared_token(claims.clone(), token.clone(), treat_pending_as_signed_out)
            }
            _ => Auth::signed_out(self.reason),
        }
    }
}
