//! The browser's client at the instance ([`Ctx`], created on first contact and identified by
//! the instance's own cookie) and the client, session and user JSON the FAPI answers with.

use axum::extract::FromRequestParts;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::config::request_origin;
use crate::error::ApiError;
use crate::instance::{Instance, Shared};
use crate::org_views::{memberships_json, Api};
use crate::store::{ClientRecord, MembershipsOf, SessionRecord, UserRecord};
use crate::util::{cookie, now_ms, now_secs};
use crate::views;

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
