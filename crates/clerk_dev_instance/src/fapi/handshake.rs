//! `GET /v1/client/handshake`: the redirect server-side auth uses to refresh `__session`.
//!
//! The instance reads its own client cookie, mints a fresh session token when the client has an
//! active session, stores the resulting Set-Cookie directives under a one-time nonce and
//! redirects (307) back to `redirect_url` with `__clerk_handshake_nonce`. The app's backend then
//! collects the directives with `GET /api/v1/clients/handshake_payload?nonce=…`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, LOCATION};
use axum::http::StatusCode;
use axum::response::Response;

use super::client_uat::{self, SESSION};
use super::ctx::Ctx;
use crate::config::InstanceEnvironment;
use crate::error::ApiError;
use crate::instance::Instance;
use crate::instance::Shared;
use crate::util::{insert_capped, origin_of, random_token};

/// Attributes that delete a cookie.
const EXPIRED: &str = "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";

/// How long a handshake nonce can be redeemed.
pub(crate) const NONCE_TTL: Duration = Duration::from_secs(60);

/// `redirect_url` if it points at one of the app origins (no open redirect), else `None`.
fn allowed_redirect<'a>(state: &'a Instance, redirect_url: &str) -> Option<&'a str> {
    if redirect_url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return None;
    }
    state.config.known_origin(origin_of(redirect_url)?)
}

/// Appends query parameters to `url`, before any fragment.
fn with_params(url: &str, params: &[(&str, &str)]) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (url, None),
    };
    let encoded = serde_urlencoded::to_string(params).unwrap_or_default();
    let separator = if base.contains('?') { '&' } else { '?' };
    let mut out = format!("{base}{separator}{encoded}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// The Set-Cookie directives describing the client's current state: `__session` and
/// `__client_uat` (also under their suffixed names when the app asked for `suffixed`), and the
/// dev-browser cookie of a development instance.
fn directives(
    state: &Instance,
    ctx: &Ctx,
    origin: &str,
    suffixed: bool,
) -> Result<Vec<String>, ApiError> {
    let session = match &ctx.client.last_active_session_id {
        Some(id) => state.store.session(id)?.filter(|s| s.is_active()),
        None => None,
    };
    let session = match session {
        Some(session) => Some(session),
        None => state
            .store
            .active_sessions(&ctx.client.id)?
            .into_iter()
            .next(),
    };
    let (token, uat) = match session {
        Some(session) => {
            let token = state
                .mint_token(&session, Some(origin))
                .map_err(|e| ApiError::internal("signing", e))?;
            (Some(token), ctx.client.updated_at_secs.max(1))
        }
        None => (None, 0),
    };
    let mut out = match token {
        Some(token) => client_uat::directives(state, SESSION, &token, suffixed, ""),
        None => client_uat::directives(state, SESSION, "", suffixed, EXPIRED),
    };
    out.extend(client_uat::uat_directives(state, uat, suffixed));
    if state.config.environment == InstanceEnvironment::Development {
        out.push(format!(
            "__clerk_db_jwt={}; Path=/; SameSite=Lax; Max-Age=315360000",
            ctx.client.dev_browser
        ));
    }
    Ok(out)
}

/// Stores directives under a fresh nonce, dropping expired ones and, beyond
/// [`crate::Limits::max_pending`], the oldest.
fn store_nonce(state: &Instance, directives: Vec<String>) -> String {
    let nonce = random_token(32);
    let mut nonces = state.nonces.lock().unwrap_or_else(|p| p.into_inner());
    nonces.retain(|_, (_, created)| created.elapsed() < NONCE_TTL);
    let cap = state.config.limits.max_pending;
    let entry = (directives, Instant::now());
    insert_capped(&mut nonces, cap, nonce.clone(), entry, |(_, created)| {
        *created
    });
    nonce
}

/// Redeems a nonce once: its directives, or `None` if unknown, used or expired.
pub(crate) fn take_nonce(state: &Instance, nonce: &str) -> Option<Vec<String>> {
    let mut nonces = state.nonces.lock().unwrap_or_else(|p| p.into_inner());
    let (directives, created) = nonces.remove(nonce)?;
    (created.elapsed() < NONCE_TTL).then_some(directives)
}

/// `GET /v1/client/handshake?redirect_url=…&format=nonce…`.
pub(crate) async fn handshake(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
    mut ctx: Ctx,
) -> Result<Response, ApiError> {
    let redirect_url = query
        .get("redirect_url")
        .map(String::as_str)
        .unwrap_or_default();
    let invalid = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_redirect_url",
            "redirect_url must be a URL on one of the app origins",
        )
        .param("redirect_url")
    };
    let origin = allowed_redirect(&state, redirect_url).ok_or_else(invalid)?;
    let suffixed = query.get("suffixed_cookies").map(String::as_str) == Some("true");
    let directives = directives(&state, &ctx, origin, suffixed)?;
    state.store.save_client(&mut ctx.client)?;
    let nonce = store_nonce(&state, directives);
    let mut params = vec![("__clerk_handshake_nonce", nonce.as_str())];
    if state.config.environment == InstanceEnvironment::Development {
        params.push(("__clerk_db_jwt", &ctx.client.dev_browser));
    }
    let location = with_params(redirect_url, &params);
    let location: axum::http::HeaderValue = location.parse().map_err(|_| invalid())?;
    let mut response = ctx.with_cookie(StatusCode::TEMPORARY_REDIRECT);
    let headers = response.headers_mut();
    headers.insert(LOCATION, location);
    headers.insert(
        CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}
