//! A plain HTML app that runs the real ClerkJS + Clerk UI against the local dev instance.
//!
//! ```sh
//! crates/clerk_dev_instance/fetch-assets.sh /tmp/clerk-assets
//! CLERK_DEV_ASSETS=/tmp/clerk-assets cargo run -p clerk_dev_instance --example standalone
//! ```
//! Environment: `PORT` (3100), `CLERK_DEV_ASSETS` (bundles), `CLERK_DEV_DATA_DIR`
//! (`target/clerk-dev-standalone`). Pages: `/`, `/sign-in`, `/sign-up`, `/user`; the dev page
//! with verification codes is `/__clerk/dev`.

use std::path::PathBuf;

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use clerk_dev_instance::{DevInstance, DevInstanceConfig, CLERK_JS_VERSION, CLERK_UI_VERSION};

/// The page shell: loads the UI bundle, then ClerkJS pointed at the instance, then mounts.
fn page(publishable_key: &str, mount: &str) -> Html<String> {
    Html(format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><title>Local Clerk</title></head><body>
<nav><a href="/">home</a> <a href="/sign-in">sign in</a> <a href="/sign-up">sign up</a> <a href="/user">profile</a></nav>
<div id="status">loading</div><div id="app"></div>
<script src="/__clerk/npm/@clerk/ui@{CLERK_UI_VERSION}/dist/ui.browser.js"></script>
<script src="/__clerk/npm/@clerk/clerk-js@{CLERK_JS_VERSION}/dist/clerk.browser.js"
  data-clerk-publishable-key="{publishable_key}" data-clerk-proxy-url="/__clerk"></script>
<script>
(async () => {{
  const status = document.getElementById('status');
  try {{
    await window.Clerk.load({{
      ui: {{ ClerkUI: window.__internal_ClerkUICtor }}, telemetry: false,
      unsafe_disableDevelopmentModeConsoleWarning: true,
      signInUrl: '/sign-in', signUpUrl: '/sign-up',
      signInFallbackRedirectUrl: '/', signUpFallbackRedirectUrl: '/', afterSignOutUrl: '/',
    }});
    const user = window.Clerk.user;
    status.textContent = 'loaded:' + (user ? 'signed-in:' + user.primaryEmailAddress.emailAddress : 'signed-out');
    const el = document.getElementById('app');
    {mount}
  }} catch (e) {{ status.textContent = 'error:' + e.message; console.error(e); }}
}})();
</script></body></html>"#
    ))
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt().with_env_filter("info").init();
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3100);
    let data_dir = std::env::var("CLERK_DEV_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("target/clerk-dev-standalone"));
    let mut config = DevInstanceConfig::new(
        data_dir,
        vec![
            format!("http://127.0.0.1:{port}"),
            format!("http://localhost:{port}"),
        ],
    );
    config.assets_dir = std::env::var("CLERK_DEV_ASSETS").ok().map(PathBuf::from);
    config.demo_user = Some(("demo@example.com".into(), "correct-horse-battery".into()));
    let instance = DevInstance::open(config).expect("open the local Clerk dev instance");
    let pk = instance.publishable_key().to_string();
    let home = page(
        &pk,
        "if (window.Clerk.user) window.Clerk.mountUserButton(el); \
         else el.innerHTML = '<a href=\"/sign-in\">sign in</a>';",
    );
    let sign_in = page(&pk, "window.Clerk.mountSignIn(el);");
    let sign_up = page(&pk, "window.Clerk.mountSignUp(el);");
    let profile = page(&pk, "window.Clerk.mountUserProfile(el);");
    let app = Router::new()
        .route("/", get(move || async move { home }))
        .route("/sign-in", get(move || async move { sign_in }))
        .route("/sign-up", get(move || async move { sign_up }))
        .route("/user", get(move || async move { profile }))
        .route(
            "/favicon.ico",
            get(|| async { axum::http::StatusCode::NO_CONTENT }),
        )
        .nest("/__clerk", instance.router());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind port");
    tracing::info!("standalone example on http://127.0.0.1:{port} (dev page: /__clerk/dev)");
    axum::serve(listener, app).await.expect("serve");
}
