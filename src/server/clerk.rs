//! Which Clerk the app talks to: real Clerk when keys are configured, otherwise the local Clerk
//! dev instance built into the server (no account, no network) — in a debug build with the default
//! `dev-instance` feature (`cargo leptos watch`, `cargo test`; build.rs sets `cfg(dev_instance)`);
//! a release build (`cargo leptos build --release`) has no dev instance and refuses to start
//! without keys.

use leptos_clerk::server::{Clerk, ClerkConfig, ConfigError, FrontendApiProxy};
use std::net::SocketAddr;
use thiserror::Error;

use super::env;

#[cfg(dev_instance)]
pub use clerk_dev_instance::DevInstance;

/// Stands in for the local dev instance in a build without it (release builds): it has
/// no value, so [`ClerkSetup::dev_instance`] is always `None` there.
#[cfg(not(dev_instance))]
#[derive(Clone, Debug)]
pub enum DevInstance {}

#[cfg(not(dev_instance))]
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
    // Other ways to sign in go here.{%- if with_oauth %}
    /// "Sign in with Clerk" over OAuth (`oauth.rs`), when configured or offered by the dev
    /// instance.
    pub oauth: Option<super::oauth::AppOAuth>, // {%- endif %}
}

/// Only Clerk's session: no dev instance, no Frontend API proxy, no other way to sign in.
impl From<Clerk> for ClerkSetup {
    fn from(clerk: Clerk) -> Self {
        Self {
            clerk,
            dev_instance: None,
            frontend_api_proxy: None,
            // Other ways to sign in go here.{%- if with_oauth %}
            oauth: None, // {%- endif %}
        }
    }
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
    #[cfg(dev_instance)]
    #[error("local Clerk dev instance: {0}")]
    DevInstance(#[from] clerk_dev_instance::DevInstanceError),
    /// Neither key is set in a build without the local dev instance (a release build).
    #[error(
        "CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY are not set: set both (Clerk dashboard, API \
         keys page). Release builds leave out the local Clerk dev instance; for development \
         without keys run `cargo leptos watch`, a debug build that embeds it"
    )]
    NoKeys,
    // Other ways to sign in go here.{%- if with_oauth %}
    /// A `CLERK_OAUTH_*` or `SESSION_SECRET` variable is missing or invalid.
    #[cfg(feature = "oauth")]
    #[error("Sign in with Clerk (OAuth): {0}")]
    OAuth(#[from] leptos_clerk::oauth::OAuthConfigError), // {%- endif %}
}

/// Real Clerk when `CLERK_PUBLISHABLE_KEY` + `CLERK_SECRET_KEY` (or their deprecated names) are
/// set; the local dev instance when neither is.
pub fn setup_clerk(site_addr: SocketAddr) -> Result<ClerkSetup, ClerkSetupError> {
    let publishable = env::var("CLERK_PUBLISHABLE_KEY").or_else(|| env::var("CLERK_FRONTEND_API"));
    let secret = env::var("CLERK_SECRET_KEY").or_else(|| env::var("CLERK_API_KEY"));
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
        #[cfg(dev_instance)]
        (None, None) => {
            let (clerk, dev) = dev_instance_clerk(site_addr)?;
            (clerk, Some(dev))
        }
        #[cfg(not(dev_instance))]
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
    // Other ways to sign in, beside Clerk's session.{%- if with_oauth %}
    let oauth = super::oauth::setup_oauth(site_addr.port(), dev_instance.as_ref())?; // {%- endif %}
    Ok(ClerkSetup {
        clerk,
        dev_instance,
        frontend_api_proxy,
        // Other ways to sign in go here.{%- if with_oauth %}
        oauth, // {%- endif %}
    })
}

/// Opens the local dev instance and a Clerk configuration pointing at it. Every other Clerk
/// variable (sign-in URL, redirects, …) is still read from the environment.
#[cfg(dev_instance)]
fn dev_instance_clerk(site_addr: SocketAddr) -> Result<(Clerk, DevInstance), ClerkSetupError> {
    let port = site_addr.port();
    let config = clerk_dev_instance::DevInstanceConfig::nested_from_env(site_addr)?;
    // Other ways to sign in register their applications with the instance here.{%- if with_oauth %}
    let config = super::oauth::with_dev_client(config, port); // {%- endif %}
    let dev = DevInstance::open(config)?;
    let clerk = Clerk::new(ClerkConfig::from_lookup(
        dev.nested_clerk_env(port, DEV_INSTANCE_PATH),
    )?)?;
    tracing::warn!(
        "no Clerk keys configured: using the LOCAL CLERK DEV INSTANCE at {DEV_INSTANCE_PATH} \
         (verification codes: http://127.0.0.1:{port}{DEV_INSTANCE_PATH}/dev). Set \
         CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY to use real Clerk."
    );
    Ok((clerk, dev))
}
