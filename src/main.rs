//! The server binary: `cargo leptos watch` builds and runs it with the `ssr` feature.
//! SIGTERM / Ctrl-C drain it (see `server::serve`) and it exits 0.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use leptos_clerk_starter::server::{
        build_router_with, init_tracing, load_settings, serve, setup_clerk, shutdown_signal,
        Draining,
    };

    init_tracing();
    let settings = match load_settings() {
        Ok(settings) => settings,
        Err(e) => {
            tracing::error!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let addr = settings.leptos_options.site_addr;
    let clerk = match setup_clerk(addr) {
        Ok(clerk) => clerk,
        Err(e) => {
            tracing::error!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let draining = Draining::default();
    let app = build_router_with(settings.leptos_options, clerk, draining.clone());

    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(e) => {
            tracing::error!(
                "cannot listen on {addr}: {e}. Stop the other process using it, or set \
                 LEPTOS_SITE_ADDR to another address"
            );
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!("listening on http://{addr}");
    match serve(listener, app, shutdown_signal(), draining, settings.drain).await {
        Ok(drained) => {
            tracing::info!(?drained, "server stopped");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!("server error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "ssr"))]
pub fn main() {
    // The browser entry point is `hydrate()` in lib.rs.
}
