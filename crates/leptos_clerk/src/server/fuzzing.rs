//! Entry point of the `handshake_payload` cargo-fuzz target (feature `fuzzing`; not an API).

use super::backend_api::auth_endpoints::HandshakePayload;

// The internals the fuzz targets drive directly (private modules otherwise).
pub use super::cookies::{ClerkCookies, CookieJar};
pub use super::handshake::{apply_directives, token_directives};
pub use super::verify::peek_claims;

/// The directives of a `GET /v1/clients/handshake_payload` body, decoded exactly as the
/// Backend API client decodes it; `None` when it is not such a body.
pub fn handshake_payload_directives(body: &[u8]) -> Option<Vec<String>> {
    serde_json::from_slice::<HandshakePayload>(body)
        .ok()
        .map(|payload| payload.directives)
}

/// Reads `payload` (JSON) as the claims of a verified session token and asks every `has()`
/// check for `wanted`, on the server's [`super::Auth`] and on the browser's snapshot: malformed
/// `pla`/`fea`/`o` claims must never panic, and the two sides must agree on plans and features.
pub fn session_claims_checks(payload: &[u8], wanted: &str) {
    use crate::state::Check;
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(payload) else {
        return;
    };
    let Some(claims) = super::claims::SessionClaims::from_payload(value) else {
        return;
    };
    let auth = super::Auth::from_claims(std::sync::Arc::new(claims), "token", true);
    let snapshot = auth.snapshot();
    for check in [Check::Role(wanted), Check::Permission(wanted)] {
        let _ = auth.has(check);
    }
    for check in [Check::Feature(wanted), Check::Plan(wanted)] {
        assert_eq!(auth.has(check), snapshot.has(check), "{check:?}");
    }
}
