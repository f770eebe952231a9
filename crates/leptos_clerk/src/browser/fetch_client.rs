//! [`ClerkFetchClient`]: the server-function client that sends a fresh Clerk
//! session token with every call.
//!
//! The `__session` cookie only lives 60 s and a server-function call (a
//! `fetch`, not a document request) cannot take part in Clerk's handshake, so a
//! page that sat idle would call its server functions signed out. This client
//! asks ClerkJS for a token first (`session.getToken()`, cached and refreshed by
//! ClerkJS) and sends it as `Authorization: Bearer`, which the server half
//! prefers over the cookie. Should the server still answer `401` (a token that
//! expired in flight, clock skew), it fetches a new token past ClerkJS's cache
//! and retries once.
//!
//! ```text
//! #[server(client = leptos_clerk::ClerkFetchClient)]
//! pub async fn whoami() -> Result<Option<String>, ServerFnError> { … }
//! ```

use std::future::Future;

use leptos::server_fn::client::browser::BrowserClient;
use leptos::server_fn::client::Client;
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::request::browser::BrowserRequest;
use leptos::server_fn::response::browser::BrowserResponse;
use leptos::server_fn::Bytes;

/// A [`Client`] that wraps server_fn's browser `fetch` client and adds
/// `Authorization: Bearer <session token>` for same-origin calls when a user is
/// signed in, retrying once with a new token on `401`. Outside the browser it
/// is the plain browser client.
pub struct ClerkFetchClient;

#[cfg(feature = "hydrate")]
type Request = super::replayable::ReplayableRequest;
#[cfg(not(feature = "hydrate"))]
type Request = BrowserRequest;

impl<E, InputStreamError, OutputStreamError> Client<E, InputStreamError, OutputStreamError>
    for ClerkFetchClient
where
    E: FromServerFnError,
    InputStreamError: FromServerFnError,
    OutputStreamError: FromServerFnError,
{
    type Request = Request;
    type Response = BrowserResponse;

    fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        #[cfg(feature = "hydrate")]
        {
            send_wrapper::SendWrapper::new(async move {
                use leptos::server_fn::response::ClientRes;

                let send = <BrowserClient as Client<E, InputStreamError, OutputStreamError>>::send;
                let super::replayable::ReplayableRequest { first, recipe } = req;
                let had_token = attach_session_token(&first, false).await;
                let response = send(first).await?;
                let unauthorized = <BrowserResponse as ClientRes<E>>::status(&response) == 401;
                let Some(recipe) = recipe.filter(|_| unauthorized && had_token) else {
                    return Ok(response);
                };
                let retry = recipe.build::<E>()?;
                if attach_session_token(&retry, true).await {
                    send(retry).await
                } else {
                    Ok(response)
                }
            })
        }
        #[cfg(not(feature = "hydrate"))]
        {
            <BrowserClient as Client<E, InputStreamError, OutputStreamError>>::send(req)
        }
    }

    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl futures::Stream<Item = Result<Bytes, Bytes>> + Send + 'static,
                impl futures::Sink<Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, InputStreamError, OutputStreamError>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, InputStreamError, OutputStreamError>>::spawn(future)
    }
}

/// Adds the bearer token (bypassing ClerkJS's token cache if `skip_cache`),
/// but only to requests for this page's own origin: the token must never leak
/// to a third-party server URL. Returns whether a token was added.
#[cfg(feature = "hydrate")]
async fn attach_session_token(req: &BrowserRequest, skip_cache: bool) -> bool {
    let Some(origin) = web_sys::window().and_then(|window| window.location().origin().ok()) else {
        return false;
    };
    if !is_same_origin(&req.url(), &origin) {
        return false;
    }
    let Some(token) = super::loader::fresh_session_token(skip_cache).await else {
        return false;
    };
    req.headers()
        .set("Authorization", &format!("Bearer {token}"));
    true
}

/// Whether `url` (absolute, as `Request.url` reports it) belongs to `origin`.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn is_same_origin(url: &str, origin: &str) -> bool {
    url.strip_prefix(origin)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::is_same_origin;

    #[test]
    fn tokens_only_go_to_the_page_origin() {
        let origin = "http://localhost:3000";
        assert!(is_same_origin("http://localhost:3000/api/whoami", origin));
        assert!(is_same_origin("http://localhost:3000", origin));
        assert!(!is_same_origin("http://localhost:30001/api", origin));
        assert!(!is_same_origin(
            "http://localhost:3000.evil.example/api",
            origin
        ));
        assert!(!is_same_origin("https://api.example.com/api", origin));
    }
}
