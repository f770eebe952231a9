//! [`ClerkOAuth`], the strategy: configuration, provider client, cookie keys and the app's verify
//! hook, and [`VerifyParams`], what that hook receives.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::config::ClerkOAuthConfig;
use super::error::OAuthConfigError;
use super::id_token::IdTokenVerifier;
use super::provider::{http_client, oauth_client, ClerkOAuthClient, ClerkProfile};
use super::secrets::REDACTED;
use super::session::{decode_user, OAuthSessionLayer, SessionStore};

/// The error type a verify hook may return (anything that converts into it, e.g. a `String`).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What the verify hook receives after the provider vouched for the user. `Debug` redacts the
/// tokens and the ID token's nonce, names the extra fields only and shows the request as
/// method and path (its query holds the code, its headers the cookies).
pub struct VerifyParams {
    /// The userinfo profile.
    pub profile: ClerkProfile,
    /// The OAuth access token (call `{base}/oauth/userinfo` or Clerk APIs with it).
    pub access_token: String,
    /// The refresh token, if the provider issued one.
    pub refresh_token: Option<String>,
    /// Non-standard fields of the token response (`id_token` excluded).
    pub extra_params: Map<String, Value>,
    /// Verified ID-token claims, when an ID token was returned (`openid` scope).
    pub id_token_claims: Option<Map<String, Value>>,
    /// The callback request (headers, URI, extensions such as a DB pool).
    pub request: http::request::Parts,
}

impl std::fmt::Debug for VerifyParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let claims = self.id_token_claims.as_ref().map(|claims| {
            let mut shown = claims.clone();
            if shown.contains_key("nonce") {
                shown.insert("nonce".into(), REDACTED.into());
            }
            shown
        });
        f.debug_struct("VerifyParams")
            .field("profile", &self.profile)
            .field("access_token", &REDACTED)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| REDACTED),
            )
            .field(
                "extra_params",
                &self.extra_params.keys().collect::<Vec<_>>(),
            )
            .field("id_token_claims", &claims)
            .field(
                "request",
                &format_args!("{} {}", self.request.method, self.request.uri.path()),
            )
            .finish()
    }
}

type VerifyFuture<U> = Pin<Box<dyn Future<Output = Result<U, BoxError>> + Send>>;
type VerifyFn<U> = Box<dyn Fn(VerifyParams) -> VerifyFuture<U> + Send + Sync>;

/// The strategy: configuration, provider client, cookie keys and the app's verify hook.
/// Cheap to clone.
pub struct ClerkOAuth<U> {
    pub(super) inner: Arc<Inner<U>>,
}

pub(super) struct Inner<U> {
    pub(super) config: ClerkOAuthConfig,
    pub(super) client: ClerkOAuthClient,
    pub(super) http: reqwest::Client,
    pub(super) store: Arc<SessionStore>,
    pub(super) id_tokens: IdTokenVerifier,
    pub(super) verify: VerifyFn<U>,
}

impl<U> Clone for ClerkOAuth<U> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<U: Serialize + DeserializeOwned + Send + Sync + 'static> ClerkOAuth<U> {
    /// Builds the strategy. `verify` turns the provider's answer into the app's user
    /// (the place to upsert into the app's database); an `Err` refuses the login.
    pub fn new<F, Fut>(config: ClerkOAuthConfig, verify: F) -> Result<Self, OAuthConfigError>
    where
        F: Fn(VerifyParams) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<U, BoxError>> + Send + 'static,
    {
        let client = oauth_client(&config)?;
        let inner = Inner {
            http: http_client(config.request_timeout),
            store: Arc::new(SessionStore::new(&config)),
            id_tokens: IdTokenVerifier::new(&config.base_url, &config.issuer, &config.client_id),
            verify: Box::new(move |params| Box::pin(verify(params))),
            client,
            config,
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &ClerkOAuthConfig {
        &self.inner.config
    }

    /// The layer that makes the session readable by [`OAuthUser`](super::OAuthUser) and
    /// [`oauth_user`](super::oauth_user);
    /// add it to the whole app router.
    pub fn session_layer(&self) -> OAuthSessionLayer {
        OAuthSessionLayer {
            store: self.inner.store.clone(),
        }
    }

    /// The signed-in user straight from request headers (no layer needed).
    pub fn user_from_headers(&self, headers: &HeaderMap) -> Option<U> {
        decode_user(&self.inner.store.read(headers))
    }
}
