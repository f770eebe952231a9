//! The instance's settings from the environment, shared by every host of it (the app's embedded
//! instance and the `clerk-dev-instance` binary), and the Clerk variables an app needs to use it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::ALLOW_REMOTE_VAR;
use crate::{DevInstance, DevInstanceConfig, DevInstanceError, InstanceEnvironment, OAuthClient};

/// A set, non-blank environment variable.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn invalid(name: &'static str, fix: &'static str) -> DevInstanceError {
    DevInstanceError::InvalidVariable { name, fix }
}

impl DevInstanceConfig {
    /// The config of an instance serving `app_origins` and bound to `bind_addr`, with what the
    /// environment sets: `CLERK_DEV_DATA_DIR` (else `default_data_dir`), `CLERK_DEV_ASSETS_DIR`
    /// (`.clerk-dev/assets`), `CLERK_DEV_INSTANCE_ALLOW_RELEASE=1`,
    /// `CLERK_DEV_INSTANCE_ALLOW_REMOTE=1`, `CLERK_DEV_INSTANCE_ENVIRONMENT`
    /// (`development` | `production`), `CLERK_DEV_TOKEN_LIFETIME_SECS`, `CLERK_DEV_DEMO_USER`
    /// (`email:password`) and an OAuth application from `CLERK_DEV_OAUTH_CLIENT_ID` +
    /// `CLERK_DEV_OAUTH_REDIRECT_URIS` (+ `CLERK_DEV_OAUTH_CLIENT_SECRET`). A malformed value is
    /// [`DevInstanceError::InvalidVariable`], naming the fix.
    pub fn from_env(
        default_data_dir: &str,
        app_origins: Vec<String>,
        bind_addr: SocketAddr,
    ) -> Result<Self, DevInstanceError> {
        let data_dir = env("CLERK_DEV_DATA_DIR").unwrap_or_else(|| default_data_dir.to_owned());
        let mut config = DevInstanceConfig::new(data_dir, app_origins);
        config.assets_dir = Some(PathBuf::from(
            env("CLERK_DEV_ASSETS_DIR").unwrap_or_else(|| ".clerk-dev/assets".into()),
        ));
        config.allow_in_release = env("CLERK_DEV_INSTANCE_ALLOW_RELEASE").as_deref() == Some("1");
        // Loopback only, and only for this address's Host, unless explicitly opted in.
        config.bind_addr = Some(bind_addr);
        config.allow_remote = env(ALLOW_REMOTE_VAR).as_deref() == Some("1");
        if let Some(kind) = env("CLERK_DEV_INSTANCE_ENVIRONMENT") {
            config.environment = kind.parse::<InstanceEnvironment>()?;
        }
        if let Some(secs) = env("CLERK_DEV_TOKEN_LIFETIME_SECS") {
            let secs: u64 = secs.trim().parse().map_err(|_| {
                invalid(
                    "CLERK_DEV_TOKEN_LIFETIME_SECS",
                    "use a whole number of seconds, e.g. 60",
                )
            })?;
            config.token_lifetime = Duration::from_secs(secs.max(1));
        }
        if let Some(demo) = env("CLERK_DEV_DEMO_USER") {
            let (email, password) = demo.split_once(':').ok_or_else(|| {
                invalid(
                    "CLERK_DEV_DEMO_USER",
                    "use email:password, e.g. demo@example.com:correct-horse-battery",
                )
            })?;
            config.demo_user = Some((email.to_owned(), password.to_owned()));
        }
        if let Some(client_id) = env("CLERK_DEV_OAUTH_CLIENT_ID") {
            let redirect_uris: Vec<String> = env("CLERK_DEV_OAUTH_REDIRECT_URIS")
                .unwrap_or_default()
                .split(',')
                .map(|uri| uri.trim().to_owned())
                .filter(|uri| !uri.is_empty())
                .collect();
            if redirect_uris.is_empty() {
                return Err(invalid(
                    "CLERK_DEV_OAUTH_REDIRECT_URIS",
                    "list the app's callback URLs, e.g. http://127.0.0.1:3000/auth/clerk/callback",
                ));
            }
            let mut client = OAuthClient::with_random_secret(client_id, redirect_uris);
            if let Some(secret) = env("CLERK_DEV_OAUTH_CLIENT_SECRET") {
                client.client_secret = secret;
            }
            config.oauth_clients.push(client);
        }
        Ok(config)
    }
}

impl DevInstance {
    /// The Clerk variables an app sets to use this instance like a real Clerk:
    /// `CLERK_PUBLISHABLE_KEY`, `CLERK_SECRET_KEY` and `CLERK_API_URL` (`<instance_url>/api`,
    /// where `instance_url` is where the app's server reaches the instance's router: e.g.
    /// `http://127.0.0.1:3000/__clerk` nested in the app, `http://127.0.0.1:3100` standalone).
    pub fn clerk_variables(&self, instance_url: &str) -> Vec<(&'static str, String)> {
        let api_url = format!("{}/api", instance_url.trim_end_matches('/'));
        vec![
            ("CLERK_PUBLISHABLE_KEY", self.publishable_key().to_owned()),
            ("CLERK_SECRET_KEY", self.secret_key()),
            ("CLERK_API_URL", api_url),
        ]
    }
}
