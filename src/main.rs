//! The server binary: `cargo leptos watch` builds and runs it with the `ssr` feature.
//! SIGTERM / Ctrl-C drain it (see `server::serve`) and it exits 0.

/// mimalloc instead of glibc's allocator: server-side rendering is mostly small, short-lived
/// allocations, and glibc's malloc/free took ~15 % of the server's CPU time under load (issue 39,
/// `BENCH_PROFILE=1 scripts/bench.sh --compare`).
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    // The app's library crate (renamed with the project).{%- if false %}
    use leptos_clerk_starter::server;
    // {% endif %}{{nl}}    use {{crate_name}}::server;

    server::init_tracing();
    let settings = match server::load_settings() {
        Ok(settings) => settings,
        Err(e) => {
            tracing::error!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let addr = settings.leptos_options.site_addr;
    let clerk = match server::setup_clerk(addr) {
        Ok(clerk) => clerk,
        Err(e) => {
            tracing::error!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let draining = server::Draining::default();
    let app = server::build_router_with(settings.leptos_options, clerk, draining.clone());

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
    match server::serve(
        listener,
        app,
        server::shutdown_signal(),
        draining,
        settings.drain,
    )
    .await
    {
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
