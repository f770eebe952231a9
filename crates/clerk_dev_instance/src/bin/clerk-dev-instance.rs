//! `clerk-dev-instance`: the local Clerk dev instance as its own process, an external "Clerk"
//! for an app built without the embedded one (`--bin-features ssr`). Its Frontend API,
//! Backend API (`/api`), ClerkJS bundles and dev page are served at the root of
//! `CLERK_DEV_INSTANCE_ADDR`; the app reaches the Frontend API through its proxy:
//!
//! ```sh
//! cargo run -p clerk_dev_instance --bin clerk-dev-instance   # prints the app's variables
//! ```
//!
//! Environment: `CLERK_DEV_INSTANCE_ADDR` (127.0.0.1:3100), `CLERK_DEV_APP_ORIGINS` (the app's
//! origins, comma-separated; default http://127.0.0.1:3000,http://localhost:3000),
//! `CLERK_DEV_DATA_DIR` (.clerk-dev/standalone), `CLERK_DEV_ASSETS_DIR` (.clerk-dev/assets),
//! `CLERK_DEV_DEMO_USER` (email:password), `CLERK_DEV_INSTANCE_ALLOW_RELEASE=1` (release builds),
//! `CLERK_DEV_INSTANCE_ENVIRONMENT` (`development`, or `production` for `pk_live_` keys),
//! `CLERK_DEV_TOKEN_LIFETIME_SECS` (60), and an OAuth application for "Sign in with Clerk":
//! `CLERK_DEV_OAUTH_CLIENT_ID`, `CLERK_DEV_OAUTH_REDIRECT_URIS` (comma-separated) and optionally
//! `CLERK_DEV_OAUTH_CLIENT_SECRET` (random when unset).
//!
//! On start it prints the app's variables as `NAME=value` lines (keys, Backend API URL, proxy,
//! and the `CLERK_OAUTH_*` of the OAuth application), ready for an env file.

use std::net::SocketAddr;
use std::process::ExitCode;

use clerk_dev_instance::{DevInstance, DevInstanceConfig, DevInstanceError};
use thiserror::Error;

/// Why the process could not start; each message names the fix.
#[derive(Debug, Error)]
enum StartError {
    #[error("{0}")]
    Instance(#[from] DevInstanceError),
    #[error(
        "cannot listen on {addr}: {source}. Stop the other process or set CLERK_DEV_INSTANCE_ADDR"
    )]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

async fn run() -> Result<(), StartError> {
    let config = DevInstanceConfig::standalone_from_env()?;
    // `standalone_from_env` always sets it (CLERK_DEV_INSTANCE_ADDR or its default).
    let addr = config
        .bind_addr
        .unwrap_or_else(|| ([127, 0, 0, 1], 3100).into());
    let oauth_clients = config.oauth_clients.clone();
    let instance = DevInstance::open(config)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    println!("local Clerk dev instance on http://{addr} (dev page: http://{addr}/dev). Run the app with:");
    for (name, value) in instance.clerk_variables(&format!("http://{addr}")) {
        println!("{name}={value}");
    }
    println!("CLERK_PROXY_URL=/__clerk\nCLERK_FRONTEND_API_URL=http://{addr}");
    for client in &oauth_clients {
        println!(
            "CLERK_OAUTH_DOMAIN=http://{addr}\nCLERK_OAUTH_CLIENT_ID={id}\n\
             CLERK_OAUTH_CLIENT_SECRET={secret}\nCLERK_OAUTH_CALLBACK_URL={callback}",
            id = client.client_id,
            secret = client.client_secret,
            callback = client.redirect_uris[0],
        );
    }
    axum::serve(listener, instance.router())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(StartError::Serve)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}
