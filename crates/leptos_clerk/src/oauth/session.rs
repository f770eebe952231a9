//! The app session cookie: issue, read, and the layer that re-seals or clears it.

use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use http::header::{HeaderMap, HeaderValue, SET_COOKIE};
use http::{Request, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::config::ClerkOAuthConfig;
use super::cookies::{now_secs, CookieRead, CookieSealer};

/// What the session cookie holds (sealed): the app's user plus timestamps.
#[derive(Serialize, Deserialize)]
struct StoredSession<U> {
    user: U,
    iat: u64,
    exp: u64,
}

/// The session cookie as found on a request, stored in request extensions by the layer.
#[derive(Clone, Debug)]
pub(crate) enum SessionCookie {
    /// No session cookie.
    Absent,
    /// A cookie no key opens, or one that expired.
    Invalid,
    /// The decrypted payload and whether an older key opened it.
    Valid {
        payload: Arc<str>,
        exp: u64,
        stale_key: bool,
    },
}

/// Cookie names, keys and lifetimes; shared by the routes, the layer and the extractors.
pub(crate) struct SessionStore {
    pub sealer: CookieSealer,
    pub cookie_name: String,
    pub pending_name: String,
    pub ttl_secs: u64,
}

impl SessionStore {
    /// Builds the store from the configuration.
    pub(crate) fn new(config: &ClerkOAuthConfig) -> Self {
        Self {
            sealer: CookieSealer::new(config),
            cookie_name: config.session_cookie.clone(),
            pending_name: format!("{}_login", config.session_cookie),
            ttl_secs: config.session_ttl.as_secs(),
        }
    }

    /// Opens the session cookie of a request.
    pub(crate) fn read(&self, headers: &HeaderMap) -> SessionCookie {
        let opened = match self.sealer.read(headers, &self.cookie_name) {
            CookieRead::Absent => return SessionCookie::Absent,
            CookieRead::Invalid => return SessionCookie::Invalid,
            CookieRead::Valid(opened) => opened,
        };
        #[derive(Deserialize)]
        struct Expiry {
            exp: u64,
        }
        match serde_json::from_str::<Expiry>(&opened.value) {
            Ok(Expiry { exp }) if exp > now_secs() => SessionCookie::Valid {
                payload: opened.value.into(),
                exp,
                stale_key: opened.stale_key,
            },
            _ => SessionCookie::Invalid,
        }
    }

    /// A `Set-Cookie` value starting a session for `user`.
    pub(crate) fn issue<U: Serialize>(&self, user: &U) -> Result<HeaderValue, serde_json::Error> {
        let iat = now_secs();
        let session = StoredSession {
            user,
            iat,
            exp: iat + self.ttl_secs,
        };
        let payload = serde_json::to_string(&session)?;
        Ok(self
            .sealer
            .set_cookie(&self.cookie_name, &payload, self.ttl_secs))
    }

    /// A `Set-Cookie` value ending the session.
    pub(crate) fn clear(&self) -> HeaderValue {
        self.sealer.clear_cookie(&self.cookie_name)
    }
}

/// Decodes the app user from an opened session cookie.
pub(crate) fn decode_user<U: DeserializeOwned>(cookie: &SessionCookie) -> Option<U> {
    match cookie {
        SessionCookie::Valid { payload, .. } => {
            match serde_json::from_str::<StoredSession<U>>(payload) {
                Ok(session) => Some(session.user),
                Err(error) => {
                    tracing::warn!(%error, "OAuth session cookie does not match the user type");
                    None
                }
            }
        }
        _ => None,
    }
}

/// Tower layer from [`super::ClerkOAuth::session_layer`]: opens the session cookie once per
/// request (for [`super::OAuthUser`] and [`super::oauth_user`]), re-seals cookies sealed with
/// an older `SESSION_SECRET` and clears tampered or expired ones.
#[derive(Clone)]
pub struct OAuthSessionLayer {
    pub(crate) store: Arc<SessionStore>,
}

impl<S> tower::Layer<S> for OAuthSessionLayer {
    type Service = OAuthSessionService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        OAuthSessionService {
            inner,
            store: self.store.clone(),
        }
    }
}

/// The service produced by [`OAuthSessionLayer`].
#[derive(Clone)]
pub struct OAuthSessionService<S> {
    inner: S,
    store: Arc<SessionStore>,
}

impl<S> tower::Service<Request<Body>> for OAuthSessionService<S>
where
    S: tower::Service<Request<Body>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Response<Body>, S::Error>> + Send>,
    >;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<Body>) -> Self::Future {
        let cookie = self.store.read(request.headers());
        request.extensions_mut().insert(cookie.clone());
        let store = self.store.clone();
        // The clone that was driven to readiness serves this call (tower's usual swap).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let mut response = inner.call(request).await?;
            if !sets_cookie(response.headers(), &store.cookie_name) {
                if let Some(header) = maintenance(&store, &cookie) {
                    response.headers_mut().append(SET_COOKIE, header);
                }
            }
            Ok(response)
        })
    }
}

/// The `Set-Cookie` to add for a request's session cookie, if any.
fn maintenance(store: &SessionStore, cookie: &SessionCookie) -> Option<HeaderValue> {
    match cookie {
        SessionCookie::Absent => None,
        SessionCookie::Valid {
            stale_key: false, ..
        } => None,
        SessionCookie::Invalid => {
            tracing::warn!(
                cookie = %store.cookie_name,
                "OAuth session cookie is tampered, expired or sealed with a retired SESSION_SECRET: clearing it"
            );
            Some(store.clear())
        }
        SessionCookie::Valid {
            payload,
            exp,
            stale_key: true,
        } => {
            tracing::debug!("re-sealing the OAuth session cookie with the newest SESSION_SECRET");
            let remaining = exp.saturating_sub(now_secs());
            Some(
                store
                    .sealer
                    .set_cookie(&store.cookie_name, payload, remaining),
            )
        }
    }
}

fn sets_cookie(headers: &HeaderMap, name: &str) -> bool {
    headers.get_all(SET_COOKIE).iter().any(|value| {
        value
            .as_bytes()
            .strip_prefix(name.as_bytes())
            .is_some_and(|rest| rest.first() == Some(&b'='))
    })
}
