//! OAuth 2.0 provider ("Sign in with Clerk"): the endpoints of a Clerk OAuth application, so
//! that `leptos_clerk`'s `oauth` strategy works offline against the dev instance.
//!
//! | Route | What it does |
//! |---|---|
//! | `GET /oauth/authorize` | code flow with PKCE S256: code at once when the browser's client has an active session, else a sign-in form |
//! | `POST /oauth/authorize` | the form: email + password (or Cancel → `error=access_denied`) |
//! | `POST /oauth/token` | `authorization_code` grant; client auth by HTTP Basic or `client_secret` |
//! | `GET /oauth/userinfo` | the profile for a Bearer access token |
//! | `GET /.well-known/jwks.json` | the signing keys (served with the Frontend API) |
//!
//! Clients come from [`crate::DevInstanceConfig::oauth_clients`]. Pending sign-ins (10 min),
//! codes (60 s, single use) and access tokens (1 h) live in memory only: a restart signs OAuth
//! apps out of nothing but their in-flight logins, and nothing secret reaches the database.
//! Errors are RFC 6749 JSON (`{"error","error_description"}`) or, before the redirect URI is
//! known to be safe, a small HTML page; bad input never causes a 5xx.

mod authorize;
mod error;
mod form;
mod grants;
mod token;
mod userinfo;

use std::sync::Arc;

use axum::routing::get;
use axum::Router;

pub(crate) use grants::OAuthState;

use crate::instance::Instance;

/// The OAuth routes (nested with the rest of the instance at `/__clerk`).
pub(crate) fn router() -> Router<Arc<Instance>> {
    Router::new()
        .route(
            "/oauth/authorize",
            get(authorize::show).post(authorize::submit),
        )
        .route("/oauth/token", axum::routing::post(token::exchange))
        .route("/oauth/userinfo", get(userinfo::get).post(userinfo::get))
}
