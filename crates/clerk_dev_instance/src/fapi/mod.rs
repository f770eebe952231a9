//! Frontend API (`/v1/...`): what ClerkJS calls from the browser.
//!
//! Every resource call answers `{"response": …, "client": …}`; the browser's client is
//! identified by the instance's own HttpOnly cookie ([`crate::CLIENT_COOKIE`]).

mod client;
mod client_uat;
mod environment;
pub(crate) mod handshake;
mod me;
mod orgs;
mod sessions;
mod sign_in;
mod sign_up;

pub(crate) use handshake::take_nonce;
pub(crate) use sign_up::{is_valid_email, password_hash};

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::instance::Instance;
use crate::org_views::{memberships_json, Api};
use crate::store::{ClientRecord, MembershipsOf, SessionRecord, UserRecord};
use crate::util::{cookie, now_ms, now_secs, request_origin};
use crate::views;

/// Axum state of all handlers.
pub(crate) type Shared = Arc<Instance>;

/// The FAPI routes, with the production instance's `__client_uat` cookies
/// ([`client_uat::production_cookies`]) on every response.
pub(crate) fn router(state: Shared) -> Router<Shared> {
    Router::new()
        .route(
            "/v1/environment",
            get(environment::get).patch(environment::get),
        )
        .route("/v1/jwks", get(jwks))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/v1/dev_browser", post(client::dev_browser))
        .route(
            "/v1/client",
            get(client::get).post(client::get).delete(client::destroy),
        )
        .route("/v1/client/handshake", get(handshake::handshake))
        .merge(sign_in::router())
        .merge(sign_up::router())
        .merge(sessions::router())
        .merge(me::router())
        .merge(orgs::router())
        .layer(axum::middleware::from_fn_with_state(
            state,
            client_uat::production_cookies,
        ))
}

async fn jwks(axum::extract::State(state): axum::extract::State<Shared>) -> Json<Value> {
    Json(state.key.jwks())
}

/// The Set-Cookie value of the instance's own client cookie.
pub(crate) fn client_cookie(client_id: &str) -> String {
    format!(
        "{}={client_id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000",
        crate::CLIENT_COOKIE
    )
}

/// The browser's client (created on first contact) and the app origin of the request.
pub(crate) struct Ctx {
    pub client: ClientRecord,
    pub created: bool,
    pub origin: Option<String>,
}

impl FromRequestParts<Shared> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, ApiError> {
        let origin = request_origin(&parts.headers, &state.config).map(str::to_string);
        let existing = match cookie(&parts.headers, crate::CLIENT_COOKIE) {
            Some(id) => state.store.client(&id)?,
            None => None,
        };
        let (client, created) = match existing {
            Some(client) => (client, false),
            None => (
                state.store.create_client(state.config.limits.max_clients)?,
                true,
            ),
        };
        Ok(Self {
            client,
            created,
            origin,
        })
    }
}

impl Ctx {
    /// Saves the client and answers `{"response": response, "client": <client>}`.
    pub(crate) fn respond(
        mut self,
        state: &Instance,
        response: Value,
    ) -> Result<Response, ApiError> {
        state.store.save_client(&mut self.client)?;
        let client = render_client(state, &self.client, self.origin.as_deref())?;
        Ok(self.with_cookie(Json(json!({ "response": response, "client": client }))))
    }

    /// Adds the client cookie to `body` when the client was just created.
    pub(crate) fn with_cookie(&self, body: impl IntoResponse) -> Response {
        let mut response = body.into_response();
        if self.created {
            if let Ok(value) = client_cookie(&self.client.id).parse() {
                response.headers_mut().append(SET_COOKIE, value);
            }
        }
        response
    }

    /// The client's active session `session_id` (or its last active one) with its user;
    /// 401 `signed_out` otherwise.
    pub(crate) fn session(
        &self,
        state: &Instance,
        session_id: Option<&str>,
    ) -> Result<(SessionRecord, UserRecord), ApiError> {
        let id = session_id
            .filter(|s| !s.is_empty())
            .or(self.client.last_active_session_id.as_deref())
            .ok_or_else(ApiError::signed_out)?;
        let session = state.store.session(id)?.ok_or_else(ApiError::signed_out)?;
        if session.client_id != self.client.id || !session.is_active() {
            return Err(ApiError::signed_out());
        }
        let user = state
            .store
            .user(&session.user_id)?
            .ok_or_else(ApiError::signed_out)?;
        Ok((session, user))
    }

    /// Signs `user` in on this client (single-session mode: other sessions end).
    pub(crate) fn start_session(
        &mut self,
        state: &Instance,
        user: &mut UserRecord,
    ) -> Result<SessionRecord, ApiError> {
        state.store.end_client_sessions(&self.client.id, "ended")?;
        let session = state.store.create_session(&self.client.id, &user.id)?;
        self.client.last_active_session_id = Some(session.id.clone());
        self.client.updated_at_secs = now_secs();
        user.last_sign_in_at = Some(now_ms());
        state.store.save_user(user)?;
        Ok(session)
    }
}

/// Renders a session with a fresh token when it is active.
pub(crate) fn render_session(
    state: &Instance,
    session: &SessionRecord,
    user: &UserRecord,
    origin: Option<&str>,
) -> Result<Value, ApiError> {
    let token = if session.is_active() {
        Some(
            state
                .mint_token(session, origin)
                .map_err(|e| ApiError::internal("signing", e))?,
        )
    } else {
        None
    };
    let mut value = views::session_json(session, user, token);
    value["user"] = user_json(state, user)?;
    value["last_active_organization_id"] = json!(state.store.session_org(&session.id)?);
    Ok(value)
}

/// The user as FAPI returns it, with its organization memberships (ClerkJS reads the active
/// membership's role and permissions from them).
pub(crate) fn user_json(state: &Instance, user: &UserRecord) -> Result<Value, ApiError> {
    let mut value = views::user_json(user);
    let (memberships, _) = state
        .store
        .list_memberships(MembershipsOf::User(&user.id), 500, 0)?;
    value["organization_memberships"] =
        Value::Array(memberships_json(state, &memberships, Api::Frontend)?);
    Ok(value)
}

/// Renders the client with its active sessions, sign-in and sign-up.
pub(crate) fn render_client(
    state: &Instance,
    client: &ClientRecord,
    origin: Option<&str>,
) -> Result<Value, ApiError> {
    let mut sessions = Vec::new();
    for session in state.store.active_sessions(&client.id)? {
        if let Some(user) = state.store.user(&session.user_id)? {
            sessions.push(render_session(state, &session, &user, origin)?);
        }
    }
    let sign_in = match &client.sign_in {
        Some(attempt) => {
            let user = state.store.user(&attempt.user_id)?;
            Some(views::sign_in_json(attempt, user.as_ref()))
        }
        None => None,
    };
    Ok(views::client_json(client, sessions, sign_in))
}

/// A form-urlencoded body (ClerkJS sends snake_case keys), read whatever the content type:
/// the last value of each key, and every pair in order (for repeated keys).
pub(crate) struct FormBody(pub HashMap<String, String>, pub Vec<(String, String)>);

impl FormBody {
    /// Every non-empty value of field `name` (`email_address=a&email_address=b`).
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.1
            .iter()
            .filter(|(key, value)| key == name && !value.is_empty())
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// A non-empty value of field `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

impl<S: Send + Sync> FromRequest<S> for FormBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "request_body_invalid",
                    "Unreadable body",
                )
            })?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "request_body_invalid",
                "Malformed form body",
            )
            .long("The request body must be application/x-www-form-urlencoded.")
        })?;
        Ok(Self(pairs.iter().cloned().collect(), pairs))
    }
}
