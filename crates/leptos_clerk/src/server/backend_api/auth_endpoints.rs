//! The endpoints request authentication depends on: the instance JWKS and the handshake
//! payload. Each comes in two forms: the public one retries like every other call; the
//! crate-internal `*_once` form makes a single attempt, because the request being
//! authenticated waits for it and must never sit through backoff.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::client::{require_non_empty, ApiRequest, Retry};
use super::{BackendApi, BackendApiError};

/// The body of `GET /v1/clients/handshake_payload`.
#[derive(Deserialize)]
pub(crate) struct HandshakePayload {
    /// The `Set-Cookie` directives.
    #[serde(default)]
    pub(crate) directives: Vec<String>,
}

fn jwks_request() -> ApiRequest {
    ApiRequest::new(Method::GET, ["jwks"])
}

fn handshake_payload_request(nonce: &str) -> Result<ApiRequest, BackendApiError> {
    require_non_empty("nonce", nonce)?;
    Ok(
        ApiRequest::new(Method::GET, ["clients", "handshake_payload"])
            .query(vec![("nonce", nonce.to_owned())]),
    )
}

impl BackendApi {
    /// The instance's public signing keys (`GET /v1/jwks`), for verifying session tokens.
    pub async fn jwks(&self) -> Result<jsonwebtoken::jwk::JwkSet, BackendApiError> {
        self.execute(jwks_request()).await
    }

    /// The `Set-Cookie` directives of a handshake (`GET /v1/clients/handshake_payload`).
    pub async fn handshake_payload(&self, nonce: &str) -> Result<Vec<String>, BackendApiError> {
        let payload: HandshakePayload = self.execute(handshake_payload_request(nonce)?).await?;
        Ok(payload.directives)
    }

    /// `GET /v1/jwks` in one attempt, decoded as `T` (the verifier's own lenient key-set
    /// type, which skips keys it cannot use instead of rejecting the whole set).
    pub(crate) async fn jwks_once<T: DeserializeOwned>(&self) -> Result<T, BackendApiError> {
        self.execute_with(jwks_request(), Retry::Never).await
    }

    /// [`BackendApi::handshake_payload`] in one attempt.
    pub(crate) async fn handshake_payload_once(
        &self,
        nonce: &str,
    ) -> Result<Vec<String>, BackendApiError> {
        let request = handshake_payload_request(nonce)?;
        let payload: HandshakePayload = self.execute_with(request, Retry::Never).await?;
        Ok(payload.directives)
    }

    /// `{api_url}/v1/jwks`, for error messages.
    pub(crate) fn jwks_url(&self) -> String {
        format!("{}/v1/jwks", self.config().api_url.trim_end_matches('/'))
    }
}
