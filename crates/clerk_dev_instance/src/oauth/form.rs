//! The HTML of the OAuth sign-in form and of the error page shown when the app cannot be
//! redirected to safely. Both forbid framing and scripts.

use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_FRAME_OPTIONS};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::grants::AuthRequest;
use crate::util::{html_escape, origin_of};

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f4f5;margin:0}\
main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:12px;\
box-shadow:0 1px 4px #0002}label{display:block;margin:.8rem 0 .2rem;font-size:.9rem}\
input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}\
.buttons{display:flex;gap:.5rem;margin-top:1.2rem}button{flex:1;padding:.6rem;font-size:1rem}\
.error{color:#b91c1c}.note{color:#52525b;font-size:.85rem}";

fn page(status: StatusCode, title: &str, body: &str, form_target: &str) -> Response {
    let csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' {form_target}; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>"
    );
    (
        status,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (CACHE_CONTROL, "no-store".to_owned()),
            (X_FRAME_OPTIONS, "DENY".to_owned()),
            (CONTENT_SECURITY_POLICY, csp),
        ],
        html,
    )
        .into_response()
}

/// The sign-in form for `request`; `failed` = (email typed, message) after a wrong password.
pub(crate) fn sign_in_page(
    request: &AuthRequest,
    signed_id: &str,
    failed: Option<(&str, &str)>,
    status: StatusCode,
) -> Response {
    let (email, error) = match failed {
        Some((email, message)) => (
            html_escape(email),
            format!(
                "<p class=\"error\" role=\"alert\" id=\"oauth-error\">{}</p>",
                html_escape(message)
            ),
        ),
        None => (String::new(), String::new()),
    };
    let body = format!(
        "<h1>Sign in</h1><p class=\"note\">to continue to <strong>{client}</strong> \
         (local Clerk dev instance)</p>{error}\
         <form method=\"post\" action=\"authorize\">\
         <input type=\"hidden\" name=\"request\" value=\"{id}\">\
         <label for=\"email\">Email address</label>\
         <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" value=\"{email}\">\
         <label for=\"password\">Password</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\">\
         <div class=\"buttons\"><button type=\"submit\" name=\"action\" value=\"sign_in\">Sign in</button>\
         <button type=\"submit\" name=\"action\" value=\"cancel\" formnovalidate>Cancel</button></div>\
         </form><p class=\"note\">Scopes: {scopes}</p>",
        client = html_escape(&request.client_id),
        id = html_escape(signed_id),
        scopes = html_escape(&request.scopes.join(" ")),
    );
    let target = origin_of(&request.redirect_uri).unwrap_or("");
    page(status, "Sign in", &body, target)
}

/// A 400 page naming the OAuth error `code` (used when redirecting back would be unsafe).
pub(crate) fn error_page(code: &str, message: &str) -> Response {
    let body = format!(
        "<h1>Cannot sign in</h1><p class=\"error\" id=\"oauth-error\">{}: {}</p>",
        html_escape(code),
        html_escape(message)
    );
    page(StatusCode::BAD_REQUEST, "Cannot sign in", &body, "")
}
