//! `POST /oauth/token`: the `authorization_code` grant with PKCE, client authentication by
//! HTTP Basic or form `client_secret`, and an RS256 ID token for the `openid` scope.

use std::sync::Arc;

use axum::extract::{OriginalUri, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, HOST};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};

use super::error::OAuthError;
use super::grants::TOKEN_TTL;
use super::userinfo::full_name;
use crate::config::OAuthClient;
use crate::form::FormBody;
use crate::instance::Instance;
use crate::util::{constant_time_eq, now_secs, random_token};

/// `POST /oauth/token`.
pub(crate) async fn exchange(
    State(state): State<Arc<Instance>>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    form: FormBody,
) -> Result<Response, OAuthError> {
    let client = authenticate(&state, &headers, &form)?;
    if form.get("grant_type") != Some("authorization_code") {
        return Err(OAuthError::bad(
            "unsupported_grant_type",
            "only grant_type=authorization_code is supported",
        ));
    }
    let code = form
        .get("code")
        .ok_or_else(|| OAuthError::bad("invalid_request", "code is missing"))?;
    let access_token = format!("oat_{}", random_token(40));
    let invalid_grant = |why: &str| OAuthError::bad("invalid_grant", why);
    let grant = state
        .oauth
        .redeem_code(code, &access_token)
        .map_err(|()| invalid_grant("the code is unknown, expired or already used"))?;
    let request = &grant.request;
    if request.client_id != client.client_id {
        return Err(invalid_grant("the code was issued to another client"));
    }
    if form.get("redirect_uri") != Some(request.redirect_uri.as_str()) {
        return Err(invalid_grant(
            "redirect_uri differs from the authorization request",
        ));
    }
    let verifier = form
        .get("code_verifier")
        .filter(|v| (43..=128).contains(&v.len()))
        .ok_or_else(|| invalid_grant("code_verifier is missing or not 43–128 characters"))?;
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    if !constant_time_eq(
        &URL_SAFE_NO_PAD.encode(digest.as_ref()),
        &request.code_challenge,
    ) {
        return Err(invalid_grant(
            "code_verifier does not match the code_challenge",
        ));
    }
    state.oauth.add_token(
        &access_token,
        &grant.user_id,
        &client.client_id,
        &request.scopes,
    );
    let mut body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": TOKEN_TTL.as_secs(),
        "scope": request.scopes.join(" "),
    });
    if request.scopes.iter().any(|s| s == "openid") {
        let issuer = issuer(&state, &headers, uri.path());
        body["id_token"] = Value::String(id_token(&state, &grant, &issuer)?);
    }
    Ok(([(CACHE_CONTROL, "no-store")], Json(body)).into_response())
}

/// The client named by HTTP Basic or the form, with its secret checked.
fn authenticate<'a>(
    state: &'a Instance,
    headers: &HeaderMap,
    form: &FormBody,
) -> Result<&'a OAuthClient, OAuthError> {
    let basic = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    let (id, secret) = match (basic, form.get("client_secret")) {
        (Some(_), Some(_)) => {
            return Err(OAuthError::bad(
                "invalid_request",
                "use either HTTP Basic or client_secret, not both",
            ))
        }
        (Some(encoded), None) => decode_basic(encoded)
            .ok_or_else(|| OAuthError::invalid_client("malformed HTTP Basic credentials"))?,
        (None, secret) => (
            form.get("client_id").unwrap_or_default().to_owned(),
            secret.unwrap_or_default().to_owned(),
        ),
    };
    let client = state
        .config
        .oauth_client(&id)
        .ok_or_else(|| OAuthError::invalid_client("unknown client"))?;
    if secret.is_empty() || !constant_time_eq(&secret, &client.client_secret) {
        return Err(OAuthError::invalid_client("wrong client secret"));
    }
    Ok(client)
}

/// `base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1).
fn decode_basic(encoded: &str) -> Option<(String, String)> {
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |part: &str| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={part}"))
            .ok()
            .and_then(|mut pairs| pairs.pop())
            .map(|(_, v)| v)
    };
    Some((unescape(id)?, unescape(secret)?))
}

/// The instance's base URL as the app configured it: the origin it called (an app origin
/// when the `Host` matches one) plus the path the instance is nested at.
fn issuer(state: &Instance, headers: &HeaderMap, path: &str) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let origin = state
        .config
        .app_origins
        .iter()
        .find(|o| {
            o.split_once("://")
                .is_some_and(|(_, authority)| authority == host)
        })
        .cloned()
        .unwrap_or_else(|| format!("http://{host}"));
    let prefix = path.strip_suffix("/oauth/token").unwrap_or("");
    format!("{origin}{prefix}")
}

fn id_token(
    state: &Instance,
    grant: &super::grants::CodeGrant,
    issuer: &str,
) -> Result<String, OAuthError> {
    let user = state
        .store
        .user(&grant.user_id)?
        .ok_or_else(|| OAuthError::bad("invalid_grant", "the user no longer exists"))?;
    let iat = now_secs();
    let mut claims = json!({
        "iss": issuer,
        "sub": user.id,
        "aud": grant.request.client_id,
        "iat": iat,
        "nbf": iat - 5,
        "exp": iat + TOKEN_TTL.as_secs() as i64,
        "email": user.email,
        "email_verified": true,
        "given_name": user.first_name,
        "family_name": user.last_name,
        "name": full_name(&user),
    });
    if let Some(nonce) = &grant.request.nonce {
        claims["nonce"] = Value::String(nonce.clone());
    }
    state
        .key
        .sign(&claims)
        .map_err(|e| OAuthError::server("signing the ID token", e))
}
