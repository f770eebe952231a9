//! Clerk's reason strings: `TokenVerificationErrorReason` and `AuthErrorReason`.

use std::fmt;

use thiserror::Error;

macro_rules! reason_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Clerk's string for this reason.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

reason_enum! {
    /// Why a token failed verification (Clerk's `TokenVerificationErrorReason`).
    TokenVerificationErrorReason {
        /// `exp` is in the past (beyond the clock skew).
        TokenExpired => "token-expired",
        /// The token is malformed or misses a required claim.
        TokenInvalid => "token-invalid",
        /// `alg` is not RS256/RS384/RS512.
        TokenInvalidAlgorithm => "token-invalid-algorithm",
        /// `azp` is not an authorized party.
        TokenInvalidAuthorizedParties => "token-invalid-authorized-parties",
        /// `iss` is not this instance's Frontend API.
        TokenInvalidIssuer => "token-invalid-issuer",
        /// The signature does not match.
        TokenInvalidSignature => "token-invalid-signature",
        /// `nbf` is in the future (beyond the clock skew).
        TokenNotActiveYet => "token-not-active-yet",
        /// `iat` is in the future (beyond the clock skew).
        TokenIatInTheFuture => "token-iat-in-the-future",
        /// A valid JWT of the instance that is not a session token: a machine (M2M) or OAuth
        /// access token, a JWT-template or ID token (its `cat`, `typ`, `sub`, `sid`, `aud` or
        /// `nonce` says so). The request is signed out with Clerk's `token-type-mismatch`.
        TokenTypeMismatch => "token-type-mismatch",
        /// Verification failed for another reason.
        TokenVerificationFailed => "token-verification-failed",
        /// The JWKS could not be loaded from the Backend API.
        RemoteJwkFailedToLoad => "jwk-remote-failed-to-load",
        /// The JWKS response is not a valid JWKS.
        RemoteJwkInvalid => "jwk-remote-invalid",
        /// No key matches the token's `kid`.
        JwkKidMismatch => "jwk-kid-mismatch",
    }
}

reason_enum! {
    /// Why a request is signed out or needs a handshake (Clerk's `AuthErrorReason`).
    AuthErrorReason {
        /// `__client_uat` > 0 but no session cookie.
        ClientUatWithoutSessionToken => "client-uat-but-no-session-token",
        /// Development instance without a dev-browser token.
        DevBrowserMissing => "dev-browser-missing",
        /// A dev-browser token arrived in the query string.
        DevBrowserSync => "dev-browser-sync",
        /// A development primary sends the browser back to the satellite that
        /// asked it to sync (`__clerk_redirect_url`).
        PrimaryRespondsToSyncing => "primary-responds-to-syncing",
        /// A satellite page load asked for a sync (`__clerk_synced=false`).
        SatelliteCookieNeedsSyncing => "satellite-needs-syncing",
        /// Neither a session cookie nor `__client_uat`.
        SessionTokenAndUatMissing => "session-token-and-uat-missing",
        /// The handshake produced no session token.
        SessionTokenMissing => "session-token-missing",
        /// The session token expired.
        SessionTokenExpired => "session-token-expired",
        /// The session token was minted before the last sign-in/out.
        SessionTokenIatBeforeClientUat => "session-token-iat-before-client-uat",
        /// The session token's `nbf` is in the future.
        SessionTokenNbf => "session-token-nbf",
        /// The session token's `iat` is in the future.
        SessionTokenIatInTheFuture => "session-token-iat-in-the-future",
        /// A session cookie without `__client_uat`.
        SessionTokenWithoutClientUat => "session-token-but-no-client-uat",
        /// Something unexpected went wrong.
        UnexpectedError => "unexpected-error",
        /// A write (`POST`, …) carrying session cookies came from another origin, or said
        /// nothing of its origin: the cookies do not authenticate it (CSRF). Not one of Clerk's
        /// reasons: this crate's own.
        CrossOriginCookieRequest => "cross-origin-cookie-request",
    }
}

/// Either kind of reason, as carried in `x-clerk-auth-reason`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthReason {
    /// A request-level reason.
    Auth(AuthErrorReason),
    /// A token verification reason.
    Token(TokenVerificationErrorReason),
}

impl AuthReason {
    /// Clerk's string for this reason.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthReason::Auth(r) => r.as_str(),
            AuthReason::Token(r) => r.as_str(),
        }
    }
}

impl fmt::Display for AuthReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed token verification: the reason and a message saying how to fix it.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{message} (reason={reason})")]
pub struct TokenVerificationError {
    /// Clerk's reason.
    pub reason: TokenVerificationErrorReason,
    /// What is wrong and what to do.
    pub message: String,
}

impl TokenVerificationError {
    /// Builds an error.
    pub fn new(reason: TokenVerificationErrorReason, message: impl Into<String>) -> Self {
        TokenVerificationError {
            reason,
            message: message.into(),
        }
    }
}
