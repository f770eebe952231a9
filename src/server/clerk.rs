//! Which Clerk the app talks to: real Clerk when keys are configured, otherwise the local Clerk
//! dev instance built into the server (no account, no network) — when the server was built with
//! the `dev-instance` feature (`scripts/dev.sh`, the browser tests); a production build
//! (`--bin-features ssr,oauth`) has no dev instance and refuses to start without keys.

use super::oauth::{setup_oauth, AppOAuth, OAuthClient};
use leptos_clerk::server::{Clerk, ClerkConfig, ConfigError, FrontendApiProxy};
use std::net::SocketAddr;
use thiserror::Error;

#[cfg(feature = "dev-instance")]
pub use clerk_dev_instance::DevInstance;

/// Stands in for the local dev instance in a build without the `dev-instance` feature: it has
/// no value, so [`ClerkSetup::dev_instance`] is always `None` there.
#[cfg(not(feature = "dev-instance"))]
#[derive(Clone, Debug)]
pub enum DevInstance {}

#[cfg(not(feature = "dev-instance"))]
impl DevInstance {
    /// Never called: there is no dev instance in this build.
    pub fn router(&self) -> axum::Router {
        match *self {}
    }
}

/// Where the local dev instance is mounted; it is also its Frontend API proxy URL.
pub const DEV_INSTANCE_PATH: &str = "/__clerk";

/// The Clerk pieces the router needs.
#[derive(Clone)]
pub struct ClerkSetup {
    /// Verifies requests (the axum layer), describes the instance to the browser and holds the
    /// Backend API client (`clerk.backend_api()`) server functions use to read and update users.
    pub clerk: Clerk,
    /// The local dev instance, when no Clerk keys are configured.
    pub dev_instance: Option<DevInstance>,
    /// Clerk's Frontend API proxy, with real keys and `CLERK_PROXY_URL` set (the dev instance
    /// serves its own path instead).
    pub frontend_api_proxy: Option<FrontendApiProxy>,
    /// "Sign in with Clerk" over OAuth, when configured or offered by the dev instance.
    pub oauth: Option<AppOAuth>,
}

/// Why Clerk could not be set up; each message names the fix.
#[derive(Debug, Error)]
pub enum ClerkSetupError {
    /// A Clerk variable is missing or invalid.
    #[error("Clerk configuration: {0}")]
    Config(#[from] ConfigError),
    /// Only one of the two keys is set.
    #[error(
        "{present} is set but {missing} is not: set both (from the same Clerk instance) to use \
         real Clerk, or neither to use the local Clerk dev instance"
    )]
    HalfConfigured {
        /// The variable that is set.
        present: &'static str,
        /// The variable that is missing.
        missing: &'static str,
    },
    /// The local dev instance could not start.
    #[cfg(feature = "dev-instance")]
    #[error("local Clerk dev instance: {0}")]
    DevInstance(#[from] clerk_dev_instance::DevInstanceError),
    /// Neither key is set in a build without the local dev instance (a production build).
    #[error(
        "CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY are not set: set both (Clerk dashboard, API \
         keys page). This server was built without the local Clerk dev instance (cargo feature \
         `dev-instance`): for local development without keys run scripts/dev.sh, or \
         `cargo leptos watch --bin-features ssr,oauth,dev-instance`"
    )]
    NoKeys,
    /// A `CLERK_OAUTH_*` or `SESSION_SECRET` variable is missing or invalid.
    #[cfg(feature = "oauth")]
    #[error("Sign in with Clerk (OAuth): {0}")]
    OAuth(#[from] leptos_clerk::oauth::OAuthConfigError),
}

/// A build without the `oauth` feature has no OAuth configuration to get wrong.
#[cfg(not(feature = "oauth"))]
impl From<std::convert::Infallible> for ClerkSetupError {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Real Clerk when `CLERK_PUBLISHABLE_KEY` + `CLERK_SECRET_KEY` (or their deprecated names) are
/// set; the local dev instance when neither is.
pub fn setup_clerk(site_addr: SocketAddr) -> Result<ClerkSetup, ClerkSetupError> {
    let publishable = env("CLERK_PUBLISHABLE_KEY").or_else(|| env("CLERK_FRONTEND_API"));
    let secret = env("CLERK_SECRET_KEY").or_else(|| env("CLERK_API_KEY"));
    let port = site_addr.port();
    // The dev instance registers an OAuth application for this app unless a real one is set.
    let dev_oauth = dev_oauth_registration(port);
    let (clerk, dev_instance) = match (publishable, secret) {
        (Some(_), Some(_)) => {
            tracing::info!("using the Clerk instance from CLERK_PUBLISHABLE_KEY");
            (Clerk::new(ClerkConfig::from_env()?)?, None)
        }
        (Some(_), None) => {
            return Err(ClerkSetupError::HalfConfigured {
                present: "CLERK_PUBLISHABLE_KEY",
                missing: "CLERK_SECRET_KEY",
            })
        }
        (None, Some(_)) => {
            return Err(ClerkSetupError::HalfConfigured {
                present: "CLERK_SECRET_KEY",
                missing: "CLERK_PUBLISHABLE_KEY",
            })
        }
        #[cfg(feature = "dev-instance")]
        (None, None) => {
            let (clerk, dev) = dev_instance_clerk(site_addr, dev_oauth.clone())?;
            (clerk, Some(dev))
        }
        #[cfg(not(feature = "dev-instance"))]
        (None, None) => return Err(ClerkSetupError::NoKeys),
    };
    let frontend_api_proxy = match dev_instance {
        Some(_) => None,
        None => clerk.frontend_api_proxy()?,
    };
    if let Some(proxy) = &frontend_api_proxy {
        let options = proxy.options();
        tracing::info!(path = %options.path, upstream = %options.upstream, "Clerk Frontend API proxy");
    }
    let dev_oauth = dev_oauth.filter(|_| dev_instance.is_some());
    let oauth = setup_oauth(port, dev_oauth.as_ref())?;
    Ok(ClerkSetup {
        clerk,
        dev_instance,
        frontend_api_proxy,
        oauth,
    })
}

/// The OAuth application the dev instance registers for this app, unless a real one is set.
#[cfg(all(feature = "dev-instance", feature = "oauth"))]
fn dev_oauth_registration(port: u16) -> Option<OAuthClient> {
    (!super::oauth::configured_in_env()).then(|| super::oauth::dev_oauth_client(port))
}

/// No dev instance or no OAuth in this build, so no OAuth application of its own.
#[cfg(not(all(feature = "dev-instance", feature = "oauth")))]
fn dev_oauth_registration(_port: u16) -> Option<OAuthClient> {
    None
}

/// Opens the local dev instance and a Clerk configuration pointing at it. Every other Clerk
/// variable (sign-in URL, redirects, …) is still read from the environment.
#[cfg(feature = "dev-instance")]
fn dev_instance_clerk(
    site_addr: SocketAddr,
    oauth_client: Option<OAuthClient>,
) -> Result<(Clerk, DevInstance), ClerkSetupError> {
    use clerk_dev_instance::DevInstanceConfig;
    let port = site_addr.port();
    let origins = vec![
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
    ];
    let mut config = DevInstanceConfig::from_env(".clerk-dev", origins.clone(), site_addr)?;
    config.oauth_clients.extend(oauth_client);
    let dev = DevInstance::open(config)?;
    // The server reaches the instance's Backend API over loopback, like real Clerk's.
    let instance_url = format!("http://127.0.0.1:{port}{DEV_INSTANCE_PATH}");
    let variables = dev.clerk_variables(&instance_url);
    let authorized_parties = origins.join(",");
    let from_instance = |name: &str| {
        variables
            .iter()
            .find(|(variable, _)| *variable == name)
            .map(|(_, value)| value.clone())
    };
    let lookup = |name: &str| match name {
        "CLERK_PUBLISHABLE_KEY" | "CLERK_SECRET_KEY" | "CLERK_API_URL" => from_instance(name),
        "CLERK_PROXY_URL" => Some(DEV_INSTANCE_PATH.to_owned()),
        "CLERK_JWT_KEY" | "CLERK_DOMAIN" | "CLERK_IS_SATELLITE" => None,
        "CLERK_AUTHORIZED_PARTIES" => Some(env(name).unwrap_or_else(|| authorized_parties.clone())),
        _ => env(name),
    };
    let clerk = Clerk::new(ClerkConfig::from_lookup(lookup)?)?;
    tracing::warn!(
        "no Clerk keys configured: using the LOCAL CLERK DEV INSTANCE at {DEV_INSTANCE_PATH} \
         (verification codes: http://127.0.0.1:{port}{DEV_INSTANCE_PATH}/dev). Set \
         CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY to use real Clerk."
    );
    Ok((clerk, dev))
}
