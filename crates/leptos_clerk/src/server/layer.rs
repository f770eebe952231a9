//! [`ClerkLayer`]: `rootAuthLoader`/`clerkMiddleware` for axum 0.8.
//!
//! One authenticate pass per request. The layer never rejects a request by
//! itself: it only answers the handshake 307 itself; everything else reaches
//! the app with the request's [`Auth`], its [`ClerkState`](crate::state::ClerkState)
//! and the [`Clerk`] handle in the request extensions (read them with
//! [`get_auth`](super::get_auth), the [`Auth`] extractor, …), and the response gets the
//! `x-clerk-auth-*` and `Set-Cookie` headers of the pass.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::Response;
use http::{Request, StatusCode};
use tower::{Layer, Service};

#[cfg(doc)]
use super::auth::Auth;
use super::clerk::Clerk;
use super::context::ClerkRequest;

/// The tower layer; build it with [`Clerk::layer`].
#[derive(Clone, Debug)]
pub struct ClerkLayer {
    clerk: Clerk,
}

impl ClerkLayer {
    /// A layer authenticating with `clerk`.
    pub fn new(clerk: Clerk) -> Self {
        ClerkLayer { clerk }
    }
}

impl Clerk {
    /// The tower layer that authenticates every request.
    pub fn layer(&self) -> ClerkLayer {
        ClerkLayer::new(self.clone())
    }
}

impl<S> Layer<S> for ClerkLayer {
    type Service = ClerkService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ClerkService {
            clerk: self.clerk.clone(),
            inner,
        }
    }
}

/// The service produced by [`ClerkLayer`].
#[derive(Clone, Debug)]
pub struct ClerkService<S> {
    clerk: Clerk,
    inner: S,
}

impl<S, B> Service<Request<B>> for ClerkService<S>
where
    S: Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let clerk = self.clerk.clone();
        // The clone that was polled ready serves this request.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let state = clerk.authenticate_request(&parts).await;
            if state.redirect_location().is_some() {
                let mut response = Response::new(Body::empty());
                *response.status_mut() = StatusCode::TEMPORARY_REDIRECT;
                *response.headers_mut() = state.headers;
                return Ok(response);
            }
            let auth = state.to_auth(clerk.config().treat_pending_as_signed_out);
            let request = ClerkRequest {
                state: clerk.shared_clerk_state(&auth),
                auth,
                clerk,
            };
            parts.extensions.insert(Arc::new(request));
            let mut response = inner.call(Request::from_parts(parts, body)).await?;
            let headers = response.headers_mut();
            let mut last_name = None;
            for (name, value) in state.headers {
                let name = name
                    .or(last_name.clone())
                    .expect("HeaderMap yields a name first");
                if name.as_str().starts_with("x-clerk-auth-") {
                    headers.insert(name.clone(), value);
                } else {
                    headers.append(name.clone(), value);
                }
                last_name = Some(name);
            }
            Ok(response)
        })
    }
}
