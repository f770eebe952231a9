//! `GET /oauth/authorize` (validate, then a code at once or the sign-in form) and
//! `POST /oauth/authorize` (the form's sign-in or cancel).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::error::{OAuthError, KNOWN_SCOPES};
use super::form::{error_page, sign_in_page};
use super::grants::{AuthRequest, MAX_FAILURES};
use crate::fapi::ctx::Ctx;
use crate::form::FormBody;
use crate::instance::Instance;
use crate::store::UserRecord;
use crate::throttle::Locked;
use crate::util::{cookie, random_token};

/// Cookie binding a sign-in form to the browser that opened it (SameSite=Lax: a cross-site
/// POST does not carry it).
const FORM_COOKIE: &str = "__clerk_dev_oauth_form";

/// `GET /oauth/authorize`.
pub(crate) async fn show(
    State(state): State<Arc<Instance>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, OAuthError> {
    let params = match parse_query(query.as_deref().unwrap_or("")) {
        Ok(params) => params,
        Err(message) => return Ok(error_page("invalid_request", &message)),
    };
    let request = match validate(&state, &params) {
        Ok(request) => request,
        Err(Refusal::Page(code, message)) => return Ok(error_page(code, &message)),
        Err(Refusal::Redirect(to)) => return Ok(redirect(&to)),
    };
    if let Some(user) = signed_in_user(&state, &headers)? {
        tracing::info!("clerk dev instance oauth: {} already signed in", user.email);
        let code = state.oauth.issue_code(request.clone(), &user.id);
        return Ok(redirect(&back_to(&request, &[("code", &code)])));
    }
    let browser = cookie(&headers, FORM_COOKIE)
        .filter(|v| v.len() == 32)
        .unwrap_or_else(|| random_token(32));
    let signed_id = state.oauth.add_pending(request.clone(), &browser);
    let mut response = sign_in_page(&request, &signed_id, None, StatusCode::OK);
    let set = format!("{FORM_COOKIE}={browser}; Path=/; HttpOnly; SameSite=Lax; Max-Age=600");
    if let Ok(value) = set.parse() {
        response.headers_mut().append(SET_COOKIE, value);
    }
    Ok(response)
}

/// `POST /oauth/authorize`: fields `request` (signed id), `action` (`sign_in`/`cancel`),
/// `email`, `password`.
pub(crate) async fn submit(
    State(state): State<Arc<Instance>>,
    headers: HeaderMap,
    mut ctx: Ctx,
    form: FormBody,
) -> Result<Response, OAuthError> {
    let expired = || {
        error_page(
            "invalid_request",
            "This sign-in form expired or was not opened in this browser. Start again from the app.",
        )
    };
    let Some(id) = form
        .get("request")
        .and_then(|s| state.oauth.verify_request_id(s))
    else {
        return Ok(expired());
    };
    let browser = cookie(&headers, FORM_COOKIE);
    if form.get("action") == Some("cancel") {
        let request = state
            .oauth
            .with_pending(id, browser.as_deref(), |p| (p.request.clone(), false));
        return Ok(match request {
            Some(request) => redirect(&back_to(&request, &[("error", "access_denied")])),
            None => expired(),
        });
    }
    let email = form.get("email").unwrap_or("").trim().to_owned();
    let user = state.store.user_by_email(&email)?;
    let check = check_password(&state, &email, user.as_ref(), form.get("password")).await;
    let password_ok = check == Ok(true);
    let outcome = state.oauth.with_pending(id, browser.as_deref(), |pending| {
        if !password_ok {
            pending.failures += 1;
        }
        let keep = !password_ok && pending.failures < MAX_FAILURES;
        ((pending.request.clone(), keep), keep)
    });
    let Some((request, still_open)) = outcome else {
        return Ok(expired());
    };
    match (user, password_ok) {
        (Some(mut user), true) => {
            ctx.start_session(&state, &mut user)?;
            state.store.save_client(&mut ctx.client)?;
            tracing::info!("clerk dev instance oauth: {} signed in", user.email);
            let code = state.oauth.issue_code(request.clone(), &user.id);
            Ok(ctx.with_cookie(redirect(&back_to(&request, &[("code", &code)]))))
        }
        _ if still_open => {
            let signed = form.get("request").unwrap_or_default();
            let (message, status) = match check {
                Err(locked) => (
                    format!(
                        "Too many failed attempts for this account. Try again in {} minutes.",
                        locked.minutes()
                    ),
                    StatusCode::TOO_MANY_REQUESTS,
                ),
                Ok(_) => (
                    "Wrong email or password.".to_owned(),
                    StatusCode::UNAUTHORIZED,
                ),
            };
            Ok(sign_in_page(
                &request,
                signed,
                Some((&email, &message)),
                status,
            ))
        }
        _ => Ok(redirect(&back_to(&request, &[("error", "access_denied")]))),
    }
}

/// Whether `password` is the user's, throttled per typed email (unknown ones too, so that a
/// lock does not tell which accounts exist): `Err` while the email is locked.
async fn check_password(
    state: &Instance,
    email: &str,
    user: Option<&UserRecord>,
    password: Option<&str>,
) -> Result<bool, Locked> {
    match password.filter(|_| !email.is_empty()) {
        Some(password) => {
            let hash = user.and_then(|u| u.password_hash.as_deref());
            state.check_password(email, password, hash).await
        }
        None => Ok(false),
    }
}

impl From<crate::error::ApiError> for OAuthError {
    fn from(error: crate::error::ApiError) -> Self {
        Self::server("session", error.code())
    }
}

/// Why a request is refused: on a page when the redirect URI is not trusted, else by redirect.
enum Refusal {
    Page(&'static str, String),
    Redirect(String),
}

fn parse_query(query: &str) -> Result<HashMap<String, String>, String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
        .map_err(|_| "the query string is malformed".to_owned())?;
    let mut params = HashMap::new();
    for (key, value) in pairs {
        if params.insert(key.clone(), value).is_some() {
            return Err(format!("the parameter `{key}` is repeated"));
        }
    }
    Ok(params)
}

fn validate(state: &Instance, params: &HashMap<String, String>) -> Result<AuthRequest, Refusal> {
    let get = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let client_id = get("client_id").unwrap_or_default();
    let client = state.config.oauth_client(client_id).ok_or_else(|| {
        Refusal::Page(
            "invalid_client",
            format!("No OAuth application `{client_id}` is registered with this instance."),
        )
    })?;
    let redirect_uri = get("redirect_uri")
        .filter(|uri| client.redirect_uris.iter().any(|r| r == uri))
        .ok_or_else(|| {
            Refusal::Page(
                "invalid_request",
                "redirect_uri is missing or not registered for this application.".into(),
            )
        })?;
    let mut request = AuthRequest {
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: get("state").map(str::to_owned),
        code_challenge: String::new(),
        scopes: Vec::new(),
        nonce: get("nonce").map(str::to_owned),
    };
    let refuse = |code: &str, description: &str| {
        Refusal::Redirect(back_to(
            &request,
            &[("error", code), ("error_description", description)],
        ))
    };
    if get("response_type") != Some("code") {
        return Err(refuse(
            "unsupported_response_type",
            "only response_type=code is supported",
        ));
    }
    let challenge = get("code_challenge").filter(|c| {
        (43..=128).contains(&c.len())
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
    });
    let (Some(challenge), Some("S256")) = (challenge, get("code_challenge_method")) else {
        return Err(refuse(
            "invalid_request",
            "PKCE is required: code_challenge with code_challenge_method=S256",
        ));
    };
    let scopes: Vec<String> = get("scope")
        .unwrap_or("profile email")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if let Some(unknown) = scopes.iter().find(|s| !KNOWN_SCOPES.contains(&s.as_str())) {
        return Err(refuse(
            "invalid_scope",
            &format!("unknown scope `{unknown}`"),
        ));
    }
    request.code_challenge = challenge.to_owned();
    request.scopes = scopes;
    Ok(request)
}

/// The user of the browser's active instance session, if any.
fn signed_in_user(state: &Instance, headers: &HeaderMap) -> Result<Option<UserRecord>, OAuthError> {
    let Some(client_id) = cookie(headers, crate::CLIENT_COOKIE) else {
        return Ok(None);
    };
    let Some(client) = state.store.client(&client_id)? else {
        return Ok(None);
    };
    let Some(session_id) = client.last_active_session_id else {
        return Ok(None);
    };
    match state.store.session(&session_id)? {
        Some(session) if session.is_active() && session.client_id == client.id => {
            Ok(state.store.user(&session.user_id)?)
        }
        _ => Ok(None),
    }
}

/// The registered redirect URI with `extra` and `state` appended to its query.
fn back_to(request: &AuthRequest, extra: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(&str, &str)> = extra.to_vec();
    if let Some(state) = &request.state {
        pairs.push(("state", state));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    let separator = if request.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    format!("{}{separator}{query}", request.redirect_uri)
}

fn redirect(to: &str) -> Response {
    (StatusCode::FOUND, [(LOCATION, to.to_owned())]).into_response()
}
