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

    /// The config of the standalone `clerk-dev-instance` process: bound to
    /// `CLERK_DEV_INSTANCE_ADDR` (127.0.0.1:3100, in [`Self::bind_addr`]), serving the app
    /// origins in `CLERK_DEV_APP_ORIGINS` (comma-separated; http://127.0.0.1:3000 and
    /// http://localhost:3000), its data in `.clerk-dev/standalone` unless `CLERK_DEV_DATA_DIR`
    /// says otherwise; every other setting as in [`DevInstanceConfig::from_env`].
    pub fn standalone_from_env() -> Result<Self, DevInstanceError> {
        let addr: SocketAddr = env("CLERK_DEV_INSTANCE_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3100".into())
            .parse()
            .map_err(|_| {
                invalid(
                    "CLERK_DEV_INSTANCE_ADDR",
                    "use host:port, e.g. 127.0.0.1:3100",
                )
            })?;
        let origins = env("CLERK_DEV_APP_ORIGINS")
            .unwrap_or_else(|| "http://127.0.0.1:3000,http://localhost:3000".into())
            .split(',')
            .map(|o| o.trim().trim_end_matches('/').to_owned())
            .filter(|o| !o.is_empty())
            .collect();
        Self::from_env(".clerk-dev/standalone", origins, addr)
    }

    /// The config of an instance nested into an app's own server on `site_addr` (see
    /// [`DevInstance::nested_clerk_env`]): its origins are `http://127.0.0.1:<port>` and
    /// `http://localhost:<port>`, its data in `.clerk-dev` unless `CLERK_DEV_DATA_DIR` says
    /// otherwise; every other setting from the environment as in [`DevInstanceConfig::from_env`].
    pub fn nested_from_env(site_addr: SocketAddr) -> Result<Self, DevInstanceError> {
        let port = site_addr.port();
        let origins = vec![
            format!("http://127.0.0.1:{port}"),
            format!("http://localhost:{port}"),
        ];
        Self::from_env(".clerk-dev", origins, site_addr)
    }
}

impl DevInstance {
    /// The Clerk variables of an app that nests this instance's router at `mount_path` (e.g.
    /// `/__clerk`) in its own server on 127.0.0.1:`site_port`, as a lookup for the app's Clerk
    /// configuration (`ClerkConfig::from_lookup` in `leptos_clerk`): the instance's keys, its
    /// Backend API over loopback, `CLERK_PROXY_URL` = `mount_path` (ClerkJS reaches the Frontend
    /// API on the app's origin), `CLERK_AUTHORIZED_PARTIES` = the instance's app origins unless
    /// set, and no `CLERK_JWT_KEY`, `CLERK_DOMAIN` or `CLERK_IS_SATELLITE` (they would describe
    /// another instance). Every other variable (sign-in URL, redirects, …) comes from the
    /// environment.
    pub fn nested_clerk_env(
        &self,
        site_port: u16,
        mount_path: &str,
    ) -> impl Fn(&str) -> Option<String> {
        let instance_url = format!("http://127.0.0.1:{site_port}{mount_path}");
        let variables = self.clerk_variables(&instance_url);
        let authorized_parties = self.inner.config.app_origins.join(",");
        let proxy_url = mount_path.to_owned();
        move |name: &str| match name {
            "CLERK_PUBLISHABLE_KEY" | "CLERK_SECRET_KEY" | "CLERK_API_URL" => variables
                .iter()
                .find(|(variable, _)| *variable == name)
                .map(|(_, value)| value.clone()),
            "CLERK_PROXY_URL" => Some(proxy_url.clone()),
            "CLERK_JWT_KEY" | "CLERK_DOMAIN" | "CLERK_IS_SATELLITE" => None,
            "CLERK_AUTHORIZED_PARTIES" => {
                Some(env(name).unwrap_or_else(|| authorized_parties.clone()))
            }
            _ => env(name),
        }
    }

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
