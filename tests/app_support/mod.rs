//! Starts the whole app (the real router with the local Clerk dev instance) on 127.0.0.1:0.

#![allow(dead_code)] // each test binary uses a different part of this module

use leptos::config::LeptosOptions;
use leptos_clerk_starter::server::{build_router, setup_clerk};

/// The running app.
pub struct App {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The dev instance's generated secret key (its Backend API's bearer token).
    pub secret_key: String,
}

/// Starts the app with its dev instance storing into `data_dir`; no Clerk keys, so the dev
/// instance (and its OAuth application) is used. Call it once per test binary: it sets the
/// process environment.
pub async fn start(data_dir: &std::path::Path) -> App {
    std::env::set_var("CLERK_DEV_DATA_DIR", data_dir);
    for name in [
        "CLERK_PUBLISHABLE_KEY",
        "CLERK_SECRET_KEY",
        "CLERK_OAUTH_CLIENT_ID",
    ] {
        std::env::remove_var(name);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let clerk = setup_clerk(addr).expect("clerk set-up with the dev instance");
    assert!(clerk.oauth.is_some(), "the dev instance enables OAuth");
    let secret_key = clerk.dev_instance.as_ref().unwrap().secret_key();
    let options = LeptosOptions::builder()
        .output_name("leptos-clerk-starter")
        .site_root("target/site")
        .site_addr(addr)
        .build();
    let router = build_router(options, clerk);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    App {
        base: format!("http://{addr}"),
        secret_key,
    }
}
