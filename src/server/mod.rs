//! Server-only wiring (feature `ssr`): settings, Clerk set-up, the axum router, health checks
//! and graceful shutdown with a drain.
//! `main.rs` only calls into this module.

mod api;
mod clerk;
mod env;
mod health;
// Other ways to sign in go here.{%- if with_oauth %}
#[cfg(feature = "oauth")]
mod oauth;
// Without the `oauth` feature: the same names, and no OAuth.
#[cfg(not(feature = "oauth"))]
#[path = "oauth_off.rs"]
mod oauth; // {%- endif %}
mod page_auth;
mod router;
mod settings;
mod shutdown;
pub mod static_files;

pub use clerk::{setup_clerk, ClerkSetup, ClerkSetupError, DevInstance, DEV_INSTANCE_PATH};
pub use health::{health_routes, HEALTHZ_PATH, READYZ_PATH};
// Other ways to sign in go here.{%- if with_oauth %}
#[cfg(feature = "oauth")]
pub use oauth::DEMO_CLIENT_ID;
pub use oauth::{setup_oauth, AppOAuth}; // {%- endif %}
pub use page_auth::{require_auth, require_org_permission, require_org_role, require_org_role_in};
pub use router::{build_router, build_router_with};
pub use settings::{load_settings, Settings, SettingsError};
pub use shutdown::{
    serve, shutdown_signal, DrainSettings, DrainSettingsError, Drained, Draining,
    DEFAULT_GRACE_SECS, DEFAULT_READY_DELAY_SECS,
};

/// Starts `tracing` output; `RUST_LOG` overrides the default filter.
pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(concat!(
            "info,",
            env!("CARGO_CRATE_NAME"),
            "=debug,leptos_clerk=debug"
        ))
    });
    tracing_subscriber::fmt().with_env_filter(filter).init();
}
