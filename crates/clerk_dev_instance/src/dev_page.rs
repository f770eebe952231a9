//! `GET /dev`: a small HTML page for developers: the mailbox of verification codes the instance
//! "sent" (newest first) and the users.

use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::ApiError;
use crate::instance::Shared;
use crate::store::UserQuery;
use crate::util::html_escape;

/// Dev page route.
pub(crate) fn router() -> Router<Shared> {
    Router::new().route("/dev", get(page))
}

async fn page(State(state): State<Shared>) -> Result<Response, ApiError> {
    let mail = state.store.recent_mail(20)?;
    let users = state.store.list_users(&UserQuery {
        limit: 100,
        ..UserQuery::default()
    })?;
    let mut html = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Local Clerk dev instance</title>\
         <style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}\
         td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}</style></head><body>\
         <h1>Local Clerk dev instance</h1><p>Offline stand-in for Clerk. Never use in production.</p>\
         <h2>Backend API</h2><p>Base URL: this page's origin + <code>/__clerk/api</code> (requests go \
         to <code>/__clerk/api/v1/…</code>); send <code>Authorization: Bearer &lt;secret key&gt;</code>. \
         Secret key of this local instance: <code id=\"secret-key\">",
    );
    html.push_str(&html_escape(&state.secret_key));
    html.push_str(
        "</code></p><h2>Mailbox</h2><table id=\"mailbox\"><tr><th>To</th><th>Code</th>\
         <th>Purpose</th><th>Sent (ms)</th></tr>",
    );
    for entry in &mail {
        html.push_str(&format!(
            "<tr><td class=\"email\">{}</td><td class=\"code\">{}</td><td>{}</td><td>{}</td></tr>",
            html_escape(&entry.email),
            html_escape(&entry.code),
            html_escape(&entry.purpose),
            entry.created_at
        ));
    }
    html.push_str(
        "</table><h2>Users</h2><table id=\"users\"><tr><th>Email</th><th>Name</th><th>Id</th></tr>",
    );
    for user in &users {
        let name = [user.first_name.as_deref(), user.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            html_escape(&user.email),
            html_escape(&name),
            html_escape(&user.id)
        ));
    }
    html.push_str("</table></body></html>");
    Ok(Html(html).into_response())
}
