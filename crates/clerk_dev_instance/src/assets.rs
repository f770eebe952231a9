//! The pinned ClerkJS browser bundles, served from the app's own origin:
//! `/npm/@clerk/clerk-js@6.40.0/dist/{file}` and `/npm/@clerk/ui@1.36.0/dist/{file}` from
//! `assets_dir/{clerk-js,ui}/dist/` (see `fetch-assets.sh`).

use std::path::PathBuf;

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::fapi::Shared;
use crate::{CLERK_JS_VERSION, CLERK_UI_VERSION};

/// Asset routes.
pub(crate) fn router() -> Router<Shared> {
    let clerk_js = format!("/npm/@clerk/clerk-js@{CLERK_JS_VERSION}/dist/{{*file}}");
    let ui = format!("/npm/@clerk/ui@{CLERK_UI_VERSION}/dist/{{*file}}");
    Router::new()
        .route(&clerk_js, get(|state, file| serve(state, "clerk-js", file)))
        .route(&ui, get(|state, file| serve(state, "ui", file)))
}

/// The content type for a bundle file name.
fn content_type(file: &str) -> &'static str {
    match file.rsplit_once('.').map(|(_, ext)| ext) {
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("map" | "json") => "application/json",
        Some("html") => "text/html; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("woff2") => "font/woff2",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `file` as a relative path of plain segments (no `..`, no hidden files, no backslashes).
fn safe_relative(file: &str) -> Option<PathBuf> {
    let mut path = PathBuf::new();
    for segment in file.split('/') {
        let plain = !segment.is_empty()
            && !segment.starts_with('.')
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
        if !plain {
            return None;
        }
        path.push(segment);
    }
    Some(path)
}

fn not_found(message: String) -> Response {
    (
        StatusCode::NOT_FOUND,
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

async fn serve(
    State(state): State<Shared>,
    package: &'static str,
    Path(file): Path<String>,
) -> Response {
    let Some(relative) = safe_relative(&file) else {
        return not_found(format!("invalid asset path {file:?}"));
    };
    let Some(root) = state.config.assets_dir.as_ref() else {
        return not_found(
            "ClerkJS bundles are not configured: set DevInstanceConfig::assets_dir and run \
             crates/clerk_dev_instance/fetch-assets.sh <assets_dir>"
                .to_string(),
        );
    };
    let path = root.join(package).join("dist").join(relative);
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (CONTENT_TYPE, content_type(&file)),
                (CACHE_CONTROL, "public, max-age=3600"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => not_found(format!(
            "{} not found. Run crates/clerk_dev_instance/fetch-assets.sh {} to download the \
             pinned ClerkJS bundles",
            path.display(),
            root.display()
        )),
    }
}
