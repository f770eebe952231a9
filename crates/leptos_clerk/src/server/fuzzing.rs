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
