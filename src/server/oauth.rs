//! "Sign in with Clerk" over OAuth 2.0 (no ClerkJS): the strategy from `leptos_clerk::oauth`,
//! enabled when `CLERK_OAUTH_CLIENT_ID` is set (a real Clerk OAuth application), or
//! automatically against the local Clerk dev instance, which then registers the OAuth
//! application [`DEMO_CLIENT_ID`] with a secret generated at every start.

use leptos_clerk::oauth::config::ENV_CLIENT_ID;
use leptos_clerk::oauth::{BoxError, ClerkOAuth, ClerkOAuthConfig, OAuthConfigError, VerifyParams};

use super::clerk::DevInstance;
use super::env;
use crate::AppUser;

/// Client ID of the OAuth application the dev instance registers for this app: the package
/// name + `-demo`.
pub const DEMO_CLIENT_ID: &str = concat!(env!("CARGO_PKG_NAME"), "-demo");

/// Scopes asked of the dev instance unless `CLERK_OAUTH_SCOPES` says otherwise (`openid` adds
/// a verified ID token to the flow).
#[cfg(dev_instance)]
const DEV_SCOPES: &str = "openid profile email public_metadata";

/// The OAuth strategy of this app.
pub type AppOAuth = ClerkOAuth<AppUser>;

/// Whether a real OAuth application is configured (`CLERK_OAUTH_CLIENT_ID`).
fn configured_in_env() -> bool {
    env::var(ENV_CLIENT_ID).is_some()
}

/// The dev instance's `config` with [`DEMO_CLIENT_ID`] registered for an app on `port`
/// (callback URLs on 127.0.0.1 and localhost, a random secret), unless a real OAuth application
/// is configured.
#[cfg(dev_instance)]
pub fn with_dev_client(
    mut config: clerk_dev_instance::DevInstanceConfig,
    port: u16,
) -> clerk_dev_instance::DevInstanceConfig {
    if configured_in_env() {
        return config;
    }
    let redirect_uris = ["127.0.0.1", "localhost"]
        .iter()
        .map(|host| format!("http://{host}:{port}/auth/clerk/callback"))
        .collect();
    config
        .oauth_clients
        .push(clerk_dev_instance::OAuthClient::with_random_secret(
            DEMO_CLIENT_ID,
            redirect_uris,
        ));
    config
}

/// The strategy: from `CLERK_OAUTH_*` when a real OAuth application is configured, else against
/// the dev instance (served on `port`) when it registered [`DEMO_CLIENT_ID`], else `None` (OAuth
/// off).
pub fn setup_oauth(
    port: u16,
    dev_instance: Option<&DevInstance>,
) -> Result<Option<AppOAuth>, OAuthConfigError> {
    let config = if configured_in_env() {
        ClerkOAuthConfig::from_env()?
    } else if let Some(config) = dev_config(port, dev_instance) {
        config?
    } else {
        return Ok(None);
    };
    tracing::info!(
        "Sign in with Clerk (OAuth) enabled: provider {}, client {}; try /oauth-demo",
        config.base_url,
        config.client_id
    );
    ClerkOAuth::new(config, verify).map(Some)
}

/// The configuration against the dev instance served on `port`, when it has [`DEMO_CLIENT_ID`].
#[cfg(dev_instance)]
fn dev_config(
    port: u16,
    dev_instance: Option<&DevInstance>,
) -> Option<Result<ClerkOAuthConfig, OAuthConfigError>> {
    use super::clerk::DEV_INSTANCE_PATH;
    let client = dev_instance?.oauth_client(DEMO_CLIENT_ID)?;
    use leptos_clerk::oauth::config::{
        ENV_CALLBACK_URL, ENV_CLIENT_SECRET, ENV_DOMAIN, ENV_SCOPES, ENV_SESSION_SECRET,
    };
    let lookup = |name: &str| match name {
        ENV_DOMAIN => Some(format!("http://127.0.0.1:{port}{DEV_INSTANCE_PATH}")),
        ENV_CLIENT_ID => Some(client.client_id.clone()),
        ENV_CLIENT_SECRET => Some(client.client_secret.clone()),
        ENV_CALLBACK_URL => client.redirect_uris.first().cloned(),
        ENV_SCOPES => Some(env::var(name).unwrap_or_else(|| DEV_SCOPES.to_owned())),
        // The dev instance only runs in debug builds (or release builds that opted in for
        // tests), so a per-start secret is fine: sessions end when the server restarts.
        ENV_SESSION_SECRET => Some(env::var(name).unwrap_or_else(|| {
            tracing::warn!(
                "{ENV_SESSION_SECRET} is not set: sealing OAuth sessions with a random \
                 per-start secret (they end when the server restarts)"
            );
            clerk_dev_instance::random_secret(48)
        })),
        _ => env::var(name),
    };
    Some(ClerkOAuthConfig::from_lookup(lookup))
}

/// No dev instance in this build: there is no client to configure against.
#[cfg(not(dev_instance))]
fn dev_config(
    _port: u16,
    _dev_instance: Option<&DevInstance>,
) -> Option<Result<ClerkOAuthConfig, OAuthConfigError>> {
    None
}

/// The verify hook: the provider vouched for `input.profile`; map it to the app's user. This
/// is where an app upserts the user into its own database (an `Err` refuses the login).
async fn verify(input: VerifyParams) -> Result<AppUser, BoxError> {
    let profile = input.profile;
    Ok(AppUser {
        id: profile.user_id,
        email: profile.email,
        name: profile.name,
    })
}
