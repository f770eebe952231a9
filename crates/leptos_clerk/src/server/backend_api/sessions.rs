//! `/v1/sessions` endpoints.

use reqwest::Method;
use serde::Deserialize;

use super::client::{require_non_empty, ApiRequest};
use super::{BackendApi, BackendApiError};

/// Session endpoints; get one with [`BackendApi::sessions`].
#[derive(Clone, Copy, Debug)]
pub struct SessionsApi<'a> {
    api: &'a BackendApi,
}

#[derive(Deserialize)]
struct SessionToken {
    jwt: String,
}

impl BackendApi {
    /// Session endpoints (`/v1/sessions`).
    pub fn sessions(&self) -> SessionsApi<'_> {
        SessionsApi { api: self }
    }
}

impl<'a> SessionsApi<'a> {
    /// `POST /v1/sessions/{sid}/tokens[/{template}]`: a fresh session token, or a token
    /// shaped by the named JWT template. Never retried.
    pub async fn create_token(
        &self,
        session_id: &str,
        template: Option<&str>,
    ) -> Result<String, BackendApiError> {
        require_non_empty("session_id", session_id)?;
        let mut segments = vec!["sessions", session_id, "tokens"];
        if let Some(template) = template {
            require_non_empty("template", template)?;
            segments.push(template);
        }
        let request = ApiRequest::new(Method::POST, segments).json(&serde_json::json!({}))?;
        let token: SessionToken = self.api.execute(request).await?;
        Ok(token.jwt)
    }
}
