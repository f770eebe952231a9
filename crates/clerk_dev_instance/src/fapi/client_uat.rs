//! The `__client_uat` cookie ("client updated at"), which tells the app's backend whether the
//! browser has a signed-in client and since when.
//!
//! Who writes it depends on the instance type, as in Clerk: for a development instance ClerkJS
//! sets it from the page; for a production instance ClerkJS leaves it alone and the Frontend API
//! sets it on its responses (on the app's domain, which is why production instances need the
//! Frontend API proxy or a `clerk.` subdomain). [`production_cookies`] is that part of Clerk's
//! Frontend API, and [`directives`] the cookie lines of a handshake payload.

use axum::extract::{Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::config::InstanceEnvironment;
use crate::error::ApiError;
use crate::instance::Instance;
use crate::instance::Shared;
use crate::store::ClientRecord;
use crate::util::cookie;

/// The cookie's name; Clerk also sets it with the instance's suffix ([`cookie_suffix`]).
const CLIENT_UAT: &str = "__client_uat";
/// The session-token cookie's name (same suffix rule).
pub(crate) const SESSION: &str = "__session";
/// Attributes of the cookies the instance sets on the app's origin.
const ATTRIBUTES: &str = "Path=/; SameSite=Lax";
/// Ten years, as Clerk's `__client_uat`.
const LONG_LIVED: &str = "; Max-Age=315360000";

/// Clerk's cookie suffix for a publishable key: the first 8 characters of the URL-safe base64
/// (no padding) of its SHA-1, as ClerkJS's `getCookieSuffix`.
pub(crate) fn cookie_suffix(publishable_key: &str) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        publishable_key.as_bytes(),
    );
    let mut suffix = URL_SAFE_NO_PAD.encode(digest.as_ref());
    suffix.truncate(8);
    suffix
}

/// The `__client_uat` value of `client`: the epoch second it last changed while it has an
/// active session, `0` when it has none.
pub(crate) fn client_uat(state: &Instance, client: &ClientRecord) -> Result<i64, ApiError> {
    let signed_in = !state.store.active_sessions(&client.id)?.is_empty();
    Ok(if signed_in {
        client.updated_at_secs.max(1)
    } else {
        0
    })
}

/// Set-Cookie lines giving `name` the value `value` (and, with `suffixed`, the suffixed name
/// too, as Clerk does when the app's backend asks for suffixed cookies).
pub(crate) fn directives(
    state: &Instance,
    name: &str,
    value: &str,
    suffixed: bool,
    extra: &str,
) -> Vec<String> {
    let mut names = vec![name.to_owned()];
    if suffixed {
        let suffix = cookie_suffix(state.config.environment.publishable_key());
        names.push(format!("{name}_{suffix}"));
    }
    names
        .into_iter()
        .map(|name| format!("{name}={value}; {ATTRIBUTES}{extra}"))
        .collect()
}

/// The `__client_uat` lines for `uat` (plain, and suffixed with `suffixed`).
pub(crate) fn uat_directives(state: &Instance, uat: i64, suffixed: bool) -> Vec<String> {
    directives(state, CLIENT_UAT, &uat.to_string(), suffixed, LONG_LIVED)
}

/// The client id a response just gave the browser in the instance's client cookie.
fn client_cookie_set_by(headers: &HeaderMap) -> Option<String> {
    let prefix = format!("{}=", crate::CLIENT_COOKIE);
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| value.strip_prefix(&prefix))
        .and_then(|rest| rest.split(';').next())
        .map(str::to_owned)
}

/// Middleware of the Frontend API routes: on a production instance every response carries the
/// browser client's current `__client_uat` (plain and suffixed), read after the handler ran.
/// Development instances pass responses through unchanged.
pub(crate) async fn production_cookies(
    State(state): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    let sent = cookie(request.headers(), crate::CLIENT_COOKIE);
    let mut response = next.run(request).await;
    if state.config.environment != InstanceEnvironment::Production {
        return response;
    }
    let Some(client_id) = client_cookie_set_by(response.headers()).or(sent) else {
        return response;
    };
    let uat = match state.store.client(&client_id) {
        Ok(Some(client)) => client_uat(&state, &client),
        Ok(None) => Ok(0),
        Err(error) => Err(error.into()),
    };
    let Ok(uat) = uat else {
        tracing::warn!("could not read client {client_id} for __client_uat");
        return response;
    };
    for line in uat_directives(&state, uat, true) {
        if let Ok(value) = HeaderValue::from_str(&line) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_is_clerks_for_both_keys() {
        // Computed apart from this code: Python's hashlib.sha1 + base64.urlsafe_b64encode.
        assert_eq!(cookie_suffix(crate::PUBLISHABLE_KEY_LIVE), "gheHP-5P");
        assert_eq!(cookie_suffix(crate::PUBLISHABLE_KEY), "uosMEFaG");
    }

    #[test]
    fn client_cookie_is_found_among_set_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(SET_COOKIE, HeaderValue::from_static("other=1; Path=/"));
        let line = format!("{}=client_abc; Path=/; HttpOnly", crate::CLIENT_COOKIE);
        headers.append(SET_COOKIE, HeaderValue::from_str(&line).unwrap());
        assert_eq!(
            client_cookie_set_by(&headers).as_deref(),
            Some("client_abc")
        );
        assert_eq!(client_cookie_set_by(&HeaderMap::new()), None);
    }
}
