//! Configuration of the local Clerk dev instance.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::http::HeaderMap;

use crate::error::DevInstanceError;
use crate::util::origin_of;

/// Everything [`crate::DevInstance::open`] needs to know.
#[derive(Debug, Clone)]
pub struct DevInstanceConfig {
    /// Folder that holds the SQLite database, the RSA signing key and the secret key, e.g.
    /// `.clerk-dev/`. Created (mode 0700) when missing; keep it out of version control.
    pub data_dir: PathBuf,
    /// Origins the app is served from, e.g. `["http://127.0.0.1:3000", "http://localhost:3000"]`.
    /// Used for the `azp` claim, the URLs in the environment and to refuse open redirects.
    pub app_origins: Vec<String>,
    /// Lifetime of minted session tokens (Clerk uses 60 s).
    pub token_lifetime: Duration,
    /// Optional `(email, password)` of a user created on open when it does not exist yet.
    pub demo_user: Option<(String, String)>,
    /// Folder holding `clerk-js/dist/` and `ui/dist/` (see `fetch-assets.sh`); `None` disables
    /// the bundle routes (they answer 404 with a hint).
    pub assets_dir: Option<PathBuf>,
    /// Allow opening the instance in a release build. The instance mints tokens the app trusts,
    /// so it refuses to run in release builds unless this is set.
    pub allow_in_release: bool,
    /// OAuth applications allowed to use "Sign in with Clerk" (`/oauth/authorize`, `/oauth/token`,
    /// `/oauth/userinfo`). Empty by default: the OAuth endpoints then answer `invalid_client`.
    pub oauth_clients: Vec<OAuthClient>,
    /// The address the app's server listens on. [`crate::DevInstance::open`] refuses a
    /// non-loopback address (`0.0.0.0`, `::`, a LAN address) unless [`Self::allow_remote`] is
    /// set: anyone who can reach the instance can read its secret key on `/dev`. `None` when the
    /// embedding code binds the listener itself (the `Host` check still applies).
    pub bind_addr: Option<SocketAddr>,
    /// Serve the instance on a non-loopback [`Self::bind_addr`] anyway (the app sets it from
    /// `CLERK_DEV_INSTANCE_ALLOW_REMOTE=1`). Logs a warning banner.
    pub allow_remote: bool,
    /// Bounds on what anonymous requests can make the instance store.
    pub limits: Limits,
    /// Custom organization permissions (`org:<feature>:<permission>`) and the roles that have
    /// them, on top of Clerk's system permissions of `org:admin` and `org:member`. Empty by
    /// default.
    pub org_permissions: Vec<OrgPermission>,
    /// Whether the instance plays a development (`pk_test_`) or a production (`pk_live_`)
    /// Clerk instance. Development by default.
    pub environment: InstanceEnvironment,
}

/// The kind of Clerk instance the dev instance plays.
///
/// A production instance hands out `pk_live_`/`sk_live_` keys and tells ClerkJS it is one, so an
/// app can be tested in its production configuration (release build, Frontend API proxy,
/// authorized parties) with the instance as its external Clerk (`clerk-dev-instance` with
/// `CLERK_DEV_INSTANCE_ENVIRONMENT=production`). It is still an offline emulation for tests on
/// this machine, never a Clerk to put in front of users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InstanceEnvironment {
    /// `pk_test_` / `sk_test_` keys (the default).
    #[default]
    Development,
    /// `pk_live_` / `sk_live_` keys.
    Production,
}

impl InstanceEnvironment {
    /// The value of `instance_environment_type` in the environment JSON ClerkJS reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Production => "production",
        }
    }

    /// The publishable key ClerkJS is given: [`crate::PUBLISHABLE_KEY`] or
    /// [`crate::PUBLISHABLE_KEY_LIVE`].
    pub fn publishable_key(self) -> &'static str {
        match self {
            Self::Development => crate::names::PUBLISHABLE_KEY,
            Self::Production => crate::names::PUBLISHABLE_KEY_LIVE,
        }
    }

    /// The prefix of the instance's keys: `test` or `live`.
    pub(crate) fn key_kind(self) -> &'static str {
        match self {
            Self::Development => "test",
            Self::Production => "live",
        }
    }
}

impl std::str::FromStr for InstanceEnvironment {
    type Err = DevInstanceError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim().to_ascii_lowercase().as_str() {
            "development" => Ok(Self::Development),
            "production" => Ok(Self::Production),
            other => Err(DevInstanceError::UnknownEnvironment(other.to_owned())),
        }
    }
}

/// Bounds on what requests without a session can make the instance store, so that a script
/// cannot grow its database or memory without limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Stored clients (one per cookie-less browser). Beyond it the oldest clients without an
    /// active session are deleted. Default 10 000.
    pub max_clients: usize,
    /// Pending handshake nonces, and separately pending OAuth sign-in forms. Beyond it the
    /// oldest is dropped. Default 1 000.
    pub max_pending: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_clients: 10_000,
            max_pending: 1_000,
        }
    }
}

/// An OAuth application registered with the instance (Clerk dashboard → OAuth applications).
#[derive(Clone)]
pub struct OAuthClient {
    /// The public client identifier.
    pub client_id: String,
    /// The confidential client secret (HTTP Basic or the form field `client_secret`).
    pub client_secret: String,
    /// The exact redirect URIs the client may use; anything else is refused.
    pub redirect_uris: Vec<String>,
}

impl OAuthClient {
    /// A client with a fresh random 48-character secret (e.g. one per server start).
    pub fn with_random_secret(client_id: impl Into<String>, redirect_uris: Vec<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: crate::util::random_token(48),
            redirect_uris,
        }
    }
}

impl std::fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("redirect_uris", &self.redirect_uris)
            .finish()
    }
}

impl DevInstanceConfig {
    /// A configuration with Clerk's defaults (60 s tokens, no demo user, no assets) for the
    /// given data folder and app origins.
    pub fn new(data_dir: impl Into<PathBuf>, app_origins: Vec<String>) -> Self {
        Self {
            data_dir: data_dir.into(),
            app_origins,
            token_lifetime: Duration::from_secs(60),
            demo_user: None,
            assets_dir: None,
            allow_in_release: false,
            oauth_clients: Vec::new(),
            bind_addr: None,
            allow_remote: false,
            limits: Limits::default(),
            org_permissions: Vec::new(),
            environment: InstanceEnvironment::Development,
        }
    }

    /// The app origin `origin` if it is one of the configured ones (exact match, no trailing
    /// slash), `None` otherwise.
    pub(crate) fn known_origin(&self, origin: &str) -> Option<&str> {
        self.app_origins
            .iter()
            .find(|o| o.as_str() == origin)
            .map(String::as_str)
    }

    /// The registered OAuth application `client_id`, if any.
    pub(crate) fn oauth_client(&self, client_id: &str) -> Option<&OAuthClient> {
        self.oauth_clients.iter().find(|c| c.client_id == client_id)
    }

    /// The origin used when a request does not tell us which app origin it came from.
    pub(crate) fn primary_origin(&self) -> &str {
        self.app_origins
            .first()
            .map(String::as_str)
            .unwrap_or("http://localhost:3000")
    }
}

/// A custom organization permission and the roles that have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgPermission {
    /// The permission key, `org:<feature>:<permission>` (e.g. `org:invoices:read`).
    pub key: String,
    /// Role keys that have it (`org:admin`, `org:member`).
    pub roles: Vec<String>,
}

impl OrgPermission {
    /// `key` granted to each of `roles`.
    pub fn new(key: impl Into<String>, roles: &[&str]) -> Self {
        Self {
            key: key.into(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }

    /// `(feature, permission)` of an `org:<feature>:<permission>` key.
    pub(crate) fn parts(&self) -> Option<(&str, &str)> {
        let mut parts = self.key.strip_prefix("org:")?.splitn(2, ':');
        let feature = parts.next().filter(|f| !f.is_empty())?;
        let permission = parts.next().filter(|p| !p.is_empty() && !p.contains(':'))?;
        Some((feature, permission))
    }
}

/// The app origin a browser request came from: its `Origin` header, else its `Referer`'s
/// origin, provided it is one of the configured app origins.
pub(crate) fn request_origin<'a>(
    headers: &HeaderMap,
    config: &'a DevInstanceConfig,
) -> Option<&'a str> {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let from_origin = header(axum::http::header::ORIGIN).and_then(|o| config.known_origin(o));
    from_origin.or_else(|| {
        header(axum::http::header::REFERER)
            .and_then(origin_of)
            .and_then(|o| config.known_origin(o))
    })
}
