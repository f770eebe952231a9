//! The axum routes: `GET /auth/clerk/login`, `GET /auth/clerk/callback`, `POST /auth/clerk/logout`.

use std::collections::HashMap;

use axum::extract::{RawQuery, Request, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use http::header::{HeaderValue, CACHE_CONTROL, ORIGIN, RETRY_AFTER, SET_COOKIE};
use http::request::Parts;
use http::{HeaderMap, StatusCode};
use oauth2::TokenResponse;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use subtle::ConstantTimeEq as _;

use super::cookies::{now_secs, CookieRead};
use super::error::{error_page, LoginError};
use super::pending::{safe_redirect_path, with_error_param, PendingLogin, LOGIN_TTL_SECS};
use super::provider::{self, ClerkProfile, ClerkTokenResponse};
use super::strategy::{ClerkOAuth, VerifyParams};
use crate::server::redirect::same_origin_path;

/// Starts a login: `GET /auth/clerk/login?successRedirect=/path&failureRedirect=/path`.
pub const LOGIN_PATH: &str = "/auth/clerk/login";
/// Where the provider sends the browser back (register `CLERK_OAUTH_CALLBACK_URL` with this path).
pub const CALLBACK_PATH: &str = "/auth/clerk/callback";
/// Ends the session: `POST` clears the cookie; `GET` only redirects home.
pub const LOGOUT_PATH: &str = "/auth/clerk/logout";

/// The three routes, with the strategy as their state.
impl<U: Serialize + DeserializeOwned + Send + Sync + 'static> ClerkOAuth<U> {
    /// `GET /auth/clerk/login`, `GET /auth/clerk/callback`, `POST /auth/clerk/logout`
    /// (`GET` logout only redirects home), ready to `merge` into the app router.
    pub fn routes<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        router(self.clone())
    }
}

fn router<U, S>(oauth: ClerkOAuth<U>) -> Router<S>
where
    U: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route(LOGIN_PATH, get(login::<U>))
        .route(CALLBACK_PATH, get(callback::<U>))
        .route(LOGOUT_PATH, get(logout_get).post(logout::<U>))
        .with_state(oauth)
}

async fn login<U>(State(oauth): State<ClerkOAuth<U>>, RawQuery(query): RawQuery) -> Response {
    let params = parse_query(query.as_deref());
    let requested = |key: &str| params.get(key).map(String::as_str);
    let success = requested("successRedirect").unwrap_or("/");
    let Some(success) = safe_redirect_path(success) else {
        return failure(LoginError::UnsafeRedirect(success.to_owned()), None);
    };
    let failure_redirect = match requested("failureRedirect") {
        Some(raw) => match safe_redirect_path(raw) {
            Some(path) => Some(path.to_owned()),
            None => return failure(LoginError::UnsafeRedirect(raw.to_owned()), None),
        },
        None => None,
    };
    let inner = &oauth.inner;
    let authorize = provider::authorize(&inner.client, &inner.config.scopes);
    let pending = PendingLogin {
        state: authorize.state,
        pkce_verifier: authorize.pkce_verifier,
        nonce: authorize.nonce,
        success_redirect: success.to_owned(),
        failure_redirect,
        created_at: now_secs(),
    };
    let Ok(json) = serde_json::to_string(&pending) else {
        return failure(LoginError::MissingLoginState, None);
    };
    let cookie = inner
        .store
        .sealer
        .set_cookie(&inner.store.pending_name, &json, LOGIN_TTL_SECS);
    tracing::debug!(success_redirect = success, "starting Clerk OAuth login");
    no_store(Redirect::to(&authorize.url), [cookie])
}

async fn callback<U>(State(oauth): State<ClerkOAuth<U>>, request: Request) -> Response
where
    U: Serialize + Send + Sync + 'static,
{
    let (parts, _body) = request.into_parts();
    let store = &oauth.inner.store;
    let clear_pending = store.sealer.clear_cookie(&store.pending_name);
    let pending = match store.sealer.read(&parts.headers, &store.pending_name) {
        CookieRead::Valid(opened) => serde_json::from_str::<PendingLogin>(&opened.value).ok(),
        CookieRead::Absent | CookieRead::Invalid => None,
    };
    let Some(pending) = pending else {
        return with_cookies(
            failure(LoginError::MissingLoginState, None),
            [clear_pending],
        );
    };
    let params = parse_query(parts.uri.query());
    // `state` first: a request without this login's state (a link a third party sent, with
    // `error=…` or not) is not its callback, so it neither ends the pending login nor
    // redirects to its failure page; the genuine callback can still complete it.
    if !state_matches(params.get("state"), &pending.state) {
        return failure(LoginError::StateMismatch, None);
    }
    // The login's own callback: the pending login is single-use from here on.
    match complete(&oauth, &pending, parts, &params).await {
        Ok(session) => {
            tracing::info!("Clerk OAuth login succeeded");
            no_store(
                local_redirect(&pending.success_redirect),
                [clear_pending, session],
            )
        }
        Err(error) => with_cookies(
            failure(error, pending.failure_redirect.as_deref()),
            [clear_pending],
        ),
    }
}

/// Whether the callback's `state` is the pending login's (compared in constant time).
fn state_matches(received: Option<&String>, expected: &str) -> bool {
    received.is_some_and(|state| bool::from(state.as_bytes().ct_eq(expected.as_bytes())))
}

/// Completes the login's own callback (its `state` already matched): expiry, the provider's
/// `error=`, the code exchange, the ID token, userinfo, the app's verify hook.
async fn complete<U: Serialize>(
    oauth: &ClerkOAuth<U>,
    pending: &PendingLogin,
    parts: Parts,
    params: &HashMap<String, String>,
) -> Result<HeaderValue, LoginError> {
    let inner = &oauth.inner;
    if pending.is_expired() {
        return Err(LoginError::LoginExpired);
    }
    if let Some(code) = params.get("error") {
        let description = params.get("error_description").cloned().unwrap_or_default();
        return Err(LoginError::ProviderDenied {
            code: code.clone(),
            description,
        });
    }
    let code = params
        .get("code")
        .filter(|c| !c.is_empty())
        .ok_or(LoginError::MissingCode)?;
    // The provider calls together (code exchange, ID-token keys, userinfo) end within the
    // deadline, however slowly the provider answers.
    let identity = identify(oauth, pending, code);
    let (tokens, id_token_claims, profile) =
        tokio::time::timeout(inner.config.request_timeout, identity)
            .await
            .map_err(|_| LoginError::ProviderTimeout("sign-in service"))??;
    let verify_params = VerifyParams {
        profile,
        access_token: tokens.access_token().secret().clone(),
        refresh_token: tokens.refresh_token().map(|t| t.secret().clone()),
        extra_params: tokens.extra_fields().extra.clone(),
        id_token_claims,
        request: parts,
    };
    let user = (inner.verify)(verify_params)
        .await
        .map_err(|e| LoginError::Rejected(e.to_string()))?;
    inner
        .store
        .issue(&user)
        .map_err(|e| LoginError::Rejected(format!("the user type cannot be serialised ({e})")))
}

/// What the provider says about the login: its tokens, the verified ID-token claims (when
/// there is an ID token) and the userinfo profile, checked against each other.
async fn identify<U>(
    oauth: &ClerkOAuth<U>,
    pending: &PendingLogin,
    code: &str,
) -> Result<(ClerkTokenResponse, Option<Map<String, Value>>, ClerkProfile), LoginError> {
    let inner = &oauth.inner;
    let tokens = provider::exchange_code(
        &inner.client,
        &inner.http,
        code.to_owned(),
        pending.pkce_verifier.clone(),
    )
    .await?;
    let openid = inner.config.scopes.iter().any(|scope| scope == "openid");
    let id_token_claims = match &tokens.extra_fields().id_token {
        Some(token) => Some(
            inner
                .id_tokens
                .verify(&inner.http, token, &pending.nonce)
                .await?,
        ),
        // Requested but absent: the nonce (replay protection) cannot be checked.
        None if openid => return Err(LoginError::MissingIdToken),
        None => None,
    };
    let profile = provider::userinfo(&inner.http, &inner.config.base_url, &tokens).await?;
    if let Some(claims) = &id_token_claims {
        if claims.get("sub").and_then(|s| s.as_str()) != Some(profile.user_id.as_str()) {
            return Err(LoginError::IdToken(
                "sub differs from the userinfo user_id".into(),
            ));
        }
    }
    Ok((tokens, id_token_claims, profile))
}

async fn logout<U>(State(oauth): State<ClerkOAuth<U>>, headers: HeaderMap) -> Response {
    let callback = &oauth.inner.config.callback_url;
    let expected = callback.origin().ascii_serialization();
    if let Some(origin) = headers.get(ORIGIN).and_then(|o| o.to_str().ok()) {
        if origin != expected {
            tracing::warn!(origin, "refusing a cross-site logout POST");
            return (StatusCode::FORBIDDEN, "cross-site logout refused").into_response();
        }
    }
    no_store(local_redirect("/"), [oauth.inner.store.clear()])
}

async fn logout_get() -> Response {
    no_store(local_redirect("/"), [])
}

/// The failure response: a redirect to `failure_redirect?error=<code>` or the error page.
fn failure(error: LoginError, failure_redirect: Option<&str>) -> Response {
    tracing::warn!(code = error.code(), "Clerk OAuth login failed: {error}");
    match failure_redirect {
        Some(path) => no_store(local_redirect(&with_error_param(path, error.code())), []),
        None => {
            let page = Html(error_page(&error, LOGIN_PATH));
            let mut response = no_store((error.status(), page), []);
            if error.status() == StatusCode::SERVICE_UNAVAILABLE {
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(LoginError::RETRY_AFTER_SECS));
            }
            response
        }
    }
}

/// A 303 to a path on this app, through the crate's one same-origin rule (the targets were
/// checked at login already; this keeps every `Location` of these routes on this origin).
fn local_redirect(path: &str) -> Redirect {
    Redirect::to(&same_origin_path(path))
}

fn no_store<const N: usize>(response: impl IntoResponse, cookies: [HeaderValue; N]) -> Response {
    let mut response = with_cookies(response.into_response(), cookies);
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn with_cookies<const N: usize>(mut response: Response, cookies: [HeaderValue; N]) -> Response {
    for cookie in cookies {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

fn parse_query(query: Option<&str>) -> HashMap<String, String> {
    let mut params = HashMap::new();
    for (key, value) in oauth2::url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        // The first occurrence wins, so a duplicated parameter cannot override it.
        params
            .entry(key.into_owned())
            .or_insert_with(|| value.into_owned());
    }
    params
}
