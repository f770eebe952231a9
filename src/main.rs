//! The server binary: `cargo leptos watch` builds and runs it with the `ssr` feature.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use leptos_clerk_starter::server::{
        build_router, init_tracing, load_settings, setup_clerk, shutdown_signal,
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
    let app = build_router(settings.leptos_options, clerk);

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
    if let Err(e) = axum::serve(listener, app.into_make_service())
        .with_graceful_shutdown(shutdown_signal())
        .await
    {
        tracing::error!("server error: {e}");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}

#[cfg(not(feature = "ssr"))]
pub fn main() {
    // The browser entry point is `hydrate()` in lib.rs.
}
