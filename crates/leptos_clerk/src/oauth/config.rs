//! [`ClerkOAuthConfig`]: everything the OAuth strategy needs, read from the environment.

use std::fmt;

use super::error::OAuthConfigError;
use super::secrets::parse_secrets;
pub use super::secrets::{SessionSecrets, ENV_SESSION_SECRET, MIN_SECRET_LEN};
use crate::server::env::{self, Env};
use std::time::Duration;

use oauth2::url::Url;

/// Instance domain (`clerk.your-domain.com`) or a full base URL (`http://127.0.0.1:4000/__clerk`).
pub const ENV_DOMAIN: &str = "CLERK_OAUTH_DOMAIN";
/// Client ID of the Clerk OAuth application.
pub const ENV_CLIENT_ID: &str = "CLERK_OAUTH_CLIENT_ID";
/// Client secret of the Clerk OAuth application.
pub const ENV_CLIENT_SECRET: &str = "CLERK_OAUTH_CLIENT_SECRET";
/// Absolute URL of this app's `/auth/clerk/callback` route, as registered with Clerk.
pub const ENV_CALLBACK_URL: &str = "CLERK_OAUTH_CALLBACK_URL";
/// Space-separated scopes (default [`DEFAULT_SCOPES`]).
pub const ENV_SCOPES: &str = "CLERK_OAUTH_SCOPES";
/// Name of the app's session cookie (default [`DEFAULT_SESSION_COOKIE`]).
pub const ENV_SESSION_COOKIE: &str = "CLERK_OAUTH_SESSION_COOKIE";

/// The scopes remix-auth-clerk asks for.
pub const DEFAULT_SCOPES: &str = "profile email public_metadata";
/// The default session cookie name.
pub const DEFAULT_SESSION_COOKIE: &str = "__app_session";

/// Cookie names Clerk itself uses on the app's domain; the app session must not collide.
const CLERK_COOKIES: [&str; 4] = ["__session", "__client_uat", "__refresh", "__client"];

/// Configuration of "Sign in with Clerk" over OAuth 2.0.
#[derive(Clone)]
pub struct ClerkOAuthConfig {
    /// Base URL of the provider without trailing slash (`https://clerk.your-domain.com`).
    pub base_url: String,
    /// Expected `iss` of ID tokens; defaults to [`Self::base_url`].
    pub issuer: String,
    /// OAuth client ID.
    pub client_id: String,
    /// OAuth client secret.
    pub client_secret: String,
    /// Absolute callback URL registered with the provider.
    pub callback_url: Url,
    /// Scopes to request.
    pub scopes: Vec<String>,
    /// Keys for the session cookies, newest first.
    pub session_secrets: SessionSecrets,
    /// Name of the app session cookie; the pending-login cookie is this name + `_login`.
    pub session_cookie: String,
    /// Lifetime of the app session (default 7 days).
    pub session_ttl: Duration,
    /// Deadline of the provider calls of one sign-in callback together (code exchange,
    /// ID-token keys, userinfo; default 2 s); slower, the callback answers the 503 "sign-in
    /// service is not responding" page (or `failureRedirect?error=provider_timeout`).
    pub request_timeout: Duration,
}

impl fmt::Debug for ClerkOAuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClerkOAuthConfig")
            .field("base_url", &self.base_url)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("callback_url", &self.callback_url.as_str())
            .field("scopes", &self.scopes)
            .field("session_secrets", &self.session_secrets)
            .field("session_cookie", &self.session_cookie)
            .field("session_ttl", &self.session_ttl)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

impl ClerkOAuthConfig {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, OAuthConfigError> {
        Self::from_lookup(env::process)
    }

    /// Reads the configuration through `lookup` (a map in tests, the environment in apps).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, OAuthConfigError> {
        let env = Env::new(lookup);
        let get = |var: &str| env.text(var);
        let domain = get(ENV_DOMAIN).ok_or(OAuthConfigError::Missing {
            var: ENV_DOMAIN,
            hint: "set it to your Clerk instance domain, e.g. clerk.your-domain.com",
        })?;
        let base_url = parse_base_url(&domain)?;
        let client_id = get(ENV_CLIENT_ID).ok_or(OAuthConfigError::Missing {
            var: ENV_CLIENT_ID,
            hint: "copy the client ID of your OAuth application from the Clerk dashboard",
        })?;
        let client_secret = get(ENV_CLIENT_SECRET).ok_or(OAuthConfigError::Missing {
            var: ENV_CLIENT_SECRET,
            hint: "copy the client secret of your OAuth application from the Clerk dashboard",
        })?;
        let callback = get(ENV_CALLBACK_URL).ok_or(OAuthConfigError::Missing {
            var: ENV_CALLBACK_URL,
            hint: "set it to https://<your app>/auth/clerk/callback and register it with Clerk",
        })?;
        let callback_url = parse_callback_url(&callback)?;
        let scopes = get(ENV_SCOPES).unwrap_or_else(|| DEFAULT_SCOPES.to_owned());
        let session_cookie =
            get(ENV_SESSION_COOKIE).unwrap_or_else(|| DEFAULT_SESSION_COOKIE.to_owned());
        check_cookie_name(&session_cookie)?;
        let session_secrets = parse_secrets(get(ENV_SESSION_SECRET), !cfg!(debug_assertions))?;
        Ok(Self {
            issuer: base_url.clone(),
            base_url,
            client_id,
            client_secret,
            callback_url,
            scopes: scopes.split_whitespace().map(str::to_owned).collect(),
            session_secrets,
            session_cookie,
            session_ttl: Duration::from_secs(7 * 24 * 3600),
            request_timeout: Duration::from_secs(2),
        })
    }

    /// Whether cookies get the `Secure` attribute (false only for http loopback callbacks).
    pub fn secure_cookies(&self) -> bool {
        !(self.callback_url.scheme() == "http" && is_loopback(&self.callback_url))
    }
}

fn is_loopback(url: &Url) -> bool {
    matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
}

fn parse_base_url(domain: &str) -> Result<String, OAuthConfigError> {
    let candidate = if domain.starts_with("http://") || domain.starts_with("https://") {
        domain.to_owned()
    } else {
        format!("https://{domain}")
    };
    let invalid = |reason: String| {
        OAuthConfigError::Invalid {
        var: ENV_DOMAIN,
        reason,
        hint: "use a host such as clerk.your-domain.com or a full URL such as https://clerk.your-domain.com",
    }
    };
    let url = Url::parse(&candidate).map_err(|e| invalid(format!("not a URL ({e})")))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not contain a query or fragment".into()));
    }
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(invalid(
            "plain http is only allowed for localhost/127.0.0.1".into(),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn parse_callback_url(raw: &str) -> Result<Url, OAuthConfigError> {
    let hint = "use the absolute URL of /auth/clerk/callback, e.g. https://app.example.com/auth/clerk/callback";
    let url = Url::parse(raw).map_err(|e| OAuthConfigError::Invalid {
        var: ENV_CALLBACK_URL,
        reason: format!("not an absolute URL ({e})"),
        hint,
    })?;
    let allowed = url.scheme() == "https" || (url.scheme() == "http" && is_loopback(&url));
    if !allowed {
        return Err(OAuthConfigError::Invalid {
            var: ENV_CALLBACK_URL,
            reason: "it must be https (http only for localhost/127.0.0.1)".into(),
            hint,
        });
    }
    Ok(url)
}

fn check_cookie_name(name: &str) -> Result<(), OAuthConfigError> {
    let hint = "pick an app-specific name such as __app_session";
    let is_token = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b));
    if !is_token {
        return Err(OAuthConfigError::Invalid {
            var: ENV_SESSION_COOKIE,
            reason: "only letters, digits, '_', '-' and '.' are allowed".into(),
            hint,
        });
    }
    let clerk_owned = name.starts_with("__clerk")
        || CLERK_COOKIES
            .iter()
            .any(|clerk| name == *clerk || name.starts_with(&format!("{clerk}_")));
    if clerk_owned {
        return Err(OAuthConfigError::Invalid {
            var: ENV_SESSION_COOKIE,
            reason: format!("`{name}` is a cookie name Clerk uses itself"),
            hint,
        });
    }
    Ok(())
}
