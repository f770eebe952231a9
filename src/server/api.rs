//! JSON endpoints: `/api/me` (the request's auth state) and `/api/webhooks/clerk`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use leptos_clerk::server::webhooks::{Webhook, WebhookError, WebhookEvent};
use leptos_clerk::server::RequireAuth;
use serde_json::json;

/// `GET /api/me`: the signed-in user's ids as JSON; 401 with a JSON body when signed out.
pub async fn me(RequireAuth(auth): RequireAuth) -> Json<serde_json::Value> {
    Json(json!({
        "user_id": auth.user_id(),
        "session_id": auth.session_id(),
        "org_id": auth.org_id(),
        "org_role": auth.org_role(),
        "org_slug": auth.org_slug(),
        "org_permissions": auth.org_permissions(),
        "is_authenticated": auth.is_authenticated(),
    }))
}

/// The webhook verifier, when `CLERK_WEBHOOK_SIGNING_SECRET` is set.
#[derive(Clone)]
pub struct WebhookState(Option<Webhook>);

impl WebhookState {
    /// Reads `CLERK_WEBHOOK_SIGNING_SECRET`; a malformed secret is logged and disables the route.
    pub fn from_env() -> Self {
        match Webhook::from_env() {
            Ok(webhook) => WebhookState(Some(webhook)),
            Err(WebhookError::MissingSecret) => WebhookState(None),
            Err(e) => {
                tracing::error!("/api/webhooks/clerk is disabled: {e}");
                WebhookState(None)
            }
        }
    }
}

/// `POST /api/webhooks/clerk`: verifies the Svix signature over the raw body (at most
/// `MAX_BODY_BYTES`, 1 MiB: the router answers 413 above), then handles the typed event. Answer 2xx quickly; Clerk retries failures, so keep handlers idempotent on the
/// message id.
pub async fn clerk_webhook(
    State(WebhookState(webhook)): State<WebhookState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(webhook) = webhook else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "webhooks are not configured: set CLERK_WEBHOOK_SIGNING_SECRET (whsec_…) from the \
             Clerk dashboard's webhook endpoint",
        )
            .into_response();
    };
    let verified = match webhook.verify(&headers, &body) {
        Ok(verified) => verified,
        Err(e) => return e.into_response(),
    };
    match &verified.event {
        WebhookEvent::UserCreated(user) => tracing::info!(user = %user.id, "user.created"),
        WebhookEvent::UserUpdated(user) => tracing::info!(user = %user.id, "user.updated"),
        WebhookEvent::UserDeleted { id, .. } => tracing::info!(user = ?id, "user.deleted"),
        other => tracing::debug!(event = other.event_type(), "webhook event ignored"),
    }
    (
        StatusCode::OK,
        Json(json!({ "received": verified.message_id })),
    )
        .into_response()
}
