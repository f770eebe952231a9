//! Talking to the provider: the authorize URL, the code exchange and the userinfo profile.

use std::time::Duration;

use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, HttpClientError, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, StandardRevocableToken, StandardTokenResponse, TokenResponse,
    TokenUrl,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::config::{ClerkOAuthConfig, ENV_DOMAIN};
use super::error::LoginError;
use super::error::OAuthConfigError;

/// Token-response fields beyond the standard ones: the ID token and anything else returned.
/// `Debug` redacts the ID token and shows only the names of the other fields.
#[derive(Clone, Default, Deserialize, Serialize)]
pub struct ClerkTokenFields {
    /// The OpenID Connect ID token, when the `openid` scope was granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// Every other non-standard field of the token response.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ExtraTokenFields for ClerkTokenFields {}

impl std::fmt::Debug for ClerkTokenFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClerkTokenFields")
            .field(
                "id_token",
                &self.id_token.as_ref().map(|_| super::secrets::REDACTED),
            )
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The token response type.
pub(crate) type ClerkTokenResponse = StandardTokenResponse<ClerkTokenFields, BasicTokenType>;

/// The configured `oauth2` client (authorize + token endpoints set).
pub(crate) type ClerkOAuthClient = oauth2::Client<
    BasicErrorResponse,
    ClerkTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The Clerk user as returned by `{base}/oauth/userinfo`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ClerkProfile {
    /// Clerk user ID (`user_…`); taken from `user_id`, else `sub`.
    #[serde(default)]
    pub user_id: String,
    /// Primary email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the email address is verified.
    #[serde(default)]
    pub email_verified: Option<bool>,
    /// First name.
    #[serde(default)]
    pub given_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub family_name: Option<String>,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// Username, if the instance uses usernames.
    #[serde(default)]
    pub username: Option<String>,
    /// Profile image URL.
    #[serde(default)]
    pub picture: Option<String>,
    /// `public_metadata` (needs the `public_metadata` scope).
    #[serde(default)]
    pub public_metadata: Option<Value>,
    /// `private_metadata` (needs the `private_metadata` scope).
    #[serde(default)]
    pub private_metadata: Option<Value>,
    /// `unsafe_metadata`.
    #[serde(default)]
    pub unsafe_metadata: Option<Value>,
    /// The complete userinfo document, including fields not listed above.
    #[serde(skip)]
    pub raw: Map<String, Value>,
}

impl ClerkProfile {
    /// Parses a userinfo document; fails when it names no user.
    pub fn from_userinfo(raw: Map<String, Value>) -> Option<Self> {
        let mut profile: Self = serde_json::from_value(Value::Object(raw.clone())).ok()?;
        if profile.user_id.is_empty() {
            profile.user_id = raw
                .get("sub")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
        }
        profile.raw = raw;
        (!profile.user_id.is_empty()).then_some(profile)
    }
}

/// Builds the `oauth2` client for `config`.
pub(crate) fn oauth_client(
    config: &ClerkOAuthConfig,
) -> Result<ClerkOAuthClient, OAuthConfigError> {
    let endpoint = |path: &str| format!("{}{path}", config.base_url);
    let bad_domain = |e: oauth2::url::ParseError| OAuthConfigError::Invalid {
        var: ENV_DOMAIN,
        reason: format!("cannot build the OAuth endpoints ({e})"),
        hint: "use a host such as clerk.your-domain.com",
    };
    Ok(oauth2::Client::new(ClientId::new(config.client_id.clone()))
        .set_client_secret(ClientSecret::new(config.client_secret.clone()))
        .set_auth_uri(AuthUrl::new(endpoint("/oauth/authorize")).map_err(bad_domain)?)
        .set_token_uri(TokenUrl::new(endpoint("/oauth/token")).map_err(bad_domain)?)
        .set_redirect_uri(RedirectUrl::from_url(config.callback_url.clone())))
}

/// The HTTP client for provider calls: bounded time (connecting within 1 s), never follows
/// redirects.
pub(crate) fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout.min(crate::server::backend_api::DEFAULT_CONNECT_TIMEOUT))
        .build()
        .unwrap_or_default()
}

/// A freshly generated authorization request.
pub(crate) struct AuthorizeRedirect {
    pub url: String,
    pub state: String,
    pub pkce_verifier: String,
    pub nonce: String,
}

/// Builds the authorize URL with `state`, PKCE S256 and a nonce.
pub(crate) fn authorize(client: &ClerkOAuthClient, scopes: &[String]) -> AuthorizeRedirect {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let nonce = CsrfToken::new_random().secret().clone();
    let (url, state) = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge)
        .add_extra_param("nonce", nonce.clone())
        .url();
    AuthorizeRedirect {
        url: url.into(),
        state: state.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        nonce,
    }
}

/// Exchanges the authorization code (with the PKCE verifier) for tokens.
pub(crate) async fn exchange_code(
    client: &ClerkOAuthClient,
    http: &reqwest::Client,
    code: String,
    pkce_verifier: String,
) -> Result<ClerkTokenResponse, LoginError> {
    let result = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier))
        .request_async(http)
        .await;
    result.map_err(|error| match error {
        RequestTokenError::ServerResponse(response) => {
            let rejected = matches!(
                response.error(),
                BasicErrorResponseType::InvalidGrant | BasicErrorResponseType::InvalidRequest
            );
            let detail = response.error_description().cloned().unwrap_or_default();
            if rejected {
                LoginError::CodeRejected(format!("{}: {detail}", response.error()))
            } else {
                LoginError::TokenEndpoint(format!("{}: {detail}", response.error()))
            }
        }
        RequestTokenError::Request(HttpClientError::Reqwest(e)) if e.is_timeout() => {
            LoginError::ProviderTimeout("token endpoint")
        }
        RequestTokenError::Request(e) => LoginError::ProviderUnreachable(format!("token: {e:?}")),
        RequestTokenError::Parse(e, _) => {
            LoginError::TokenEndpoint(format!("unexpected token response ({e})"))
        }
        RequestTokenError::Other(e) => LoginError::TokenEndpoint(e),
    })
}

/// Fetches `{base}/oauth/userinfo` with the access token.
pub(crate) async fn userinfo(
    http: &reqwest::Client,
    base_url: &str,
    tokens: &ClerkTokenResponse,
) -> Result<ClerkProfile, LoginError> {
    let response = http
        .get(format!("{base_url}/oauth/userinfo"))
        .bearer_auth(tokens.access_token().secret())
        .send()
        .await
        .map_err(|e| match e.is_timeout() {
            true => LoginError::ProviderTimeout("userinfo endpoint"),
            false => LoginError::ProviderUnreachable(format!("userinfo: {e}")),
        })?;
    let status = response.status();
    if !status.is_success() {
        return Err(LoginError::Userinfo(format!("HTTP {status}")));
    }
    let document: Map<String, Value> = response
        .json()
        .await
        .map_err(|e| LoginError::Userinfo(format!("not a JSON object ({e})")))?;
    ClerkProfile::from_userinfo(document)
        .ok_or_else(|| LoginError::Userinfo("no user_id or sub in the profile".into()))
}
