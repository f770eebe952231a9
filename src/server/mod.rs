//! Server-only wiring (feature `ssr`): settings, Clerk set-up, the axum router and graceful
//! shutdown.
//! `main.rs` only calls into this module.

mod api;
mod clerk;
mod oauth;
mod page_auth;
mod router;
mod settings;
mod shutdown;
pub mod static_files;

pub use clerk::{setup_clerk, ClerkSetup, ClerkSetupError, DEV_INSTANCE_PATH};
pub use oauth::{dev_oauth_client, setup_oauth, AppOAuth, DEMO_CLIENT_ID};
pub use page_auth::{require_user, SIGNED_OUT};
pub use router::build_router;
pub use settings::{load_settings, Settings, SettingsError};
pub use shutdown::shutdown_signal;

/// Starts `tracing` output; `RUST_LOG` overrides the default filter.
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,leptos_clerk_starter=debug,leptos_clerk=debug"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
}
