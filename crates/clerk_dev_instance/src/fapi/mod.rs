//! Frontend API (`/v1/...`): what ClerkJS calls from the browser.
//!
//! Every resource call answers `{"response": …, "client": …}`; the browser's client is
//! identified by the instance's own HttpOnly cookie ([`crate::CLIENT_COOKIE`]).

mod client;
mod client_uat;
pub(crate) mod ctx;
mod environment;
pub(crate) mod handshake;
mod me;
mod orgs;
mod sessions;
mod sign_in;
mod sign_up;

pub(crate) use handshake::take_nonce;
pub(crate) use sign_up::{is_valid_email, password_hash};

use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;

use crate::instance::Shared;

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
