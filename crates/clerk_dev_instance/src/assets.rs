//! The pinned ClerkJS browser bundles, served from the app's own origin:
//! `/npm/@clerk/clerk-js@6.40.0/dist/{file}` and `/npm/@clerk/ui@1.36.0/dist/{file}` from
//! `assets_dir/{clerk-js,ui}/dist/` (see `fetch-assets.sh`).
//!
//! The URLs carry the pinned version, so a file never changes: it is served as immutable, and
//! compressed once per run (brotli quality 9 and gzip level 9, kept in memory) for clients
//! that accept it. Quality 9, not 11: clerk.browser.js compresses in 0.26 s instead of 2.9 s
//! (the first page load waits for it) and is 7% larger (75.7 kB instead of 70.6 kB).

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::OnceCell;

use crate::instance::Shared;
use crate::{CLERK_JS_VERSION, CLERK_UI_VERSION};

/// Asset routes.
pub(crate) fn router() -> Router<Shared> {
    let clerk_js = format!("/npm/@clerk/clerk-js@{CLERK_JS_VERSION}/dist/{{*file}}");
    let ui = format!("/npm/@clerk/ui@{CLERK_UI_VERSION}/dist/{{*file}}");
    Router::new()
        .route(
            &clerk_js,
            get(|state, file, headers| serve(state, "clerk-js", file, headers)),
        )
        .route(
            &ui,
            get(|state, file, headers| serve(state, "ui", file, headers)),
        )
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

/// `Cache-Control` of a bundle file: its URL names the version, so it never changes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A bundle file as read from disk and compressed with brotli and gzip.
struct Encoded {
    identity: Bytes,
    br: Bytes,
    gzip: Bytes,
}

impl Encoded {
    fn compress(identity: Vec<u8>) -> std::io::Result<Self> {
        let mut br = Vec::with_capacity(identity.len() / 3);
        let params = brotli::enc::BrotliEncoderParams {
            quality: 9,
            lgwin: 22,
            size_hint: identity.len(),
            ..Default::default()
        };
        brotli::BrotliCompress(&mut identity.as_slice(), &mut br, &params)?;
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gzip.write_all(&identity)?;
        Ok(Self {
            identity: identity.into(),
            br: br.into(),
            gzip: gzip.finish()?.into(),
        })
    }

    /// The encoding the client prefers among brotli, gzip and none, with its bytes.
    fn for_client(&self, headers: &HeaderMap) -> (Option<&'static str>, Bytes) {
        if accepts(headers, "br") {
            (Some("br"), self.br.clone())
        } else if accepts(headers, "gzip") {
            (Some("gzip"), self.gzip.clone())
        } else {
            (None, self.identity.clone())
        }
    }
}

/// Whether `Accept-Encoding` lists `coding` (or `*`) without `q=0`.
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
        })
}

/// A bundle file, compressed by the first request for it.
type Slot = Arc<OnceCell<Arc<Encoded>>>;

/// The compressed bundle files of this run, by path.
static ENCODED: LazyLock<Mutex<HashMap<PathBuf, Slot>>> = LazyLock::new(Default::default);

/// `path` read and compressed, once per run. A path that cannot be read leaves nothing behind.
async fn encoded(path: PathBuf) -> std::io::Result<Arc<Encoded>> {
    let cache = || {
        ENCODED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    let cell = cache().entry(path.clone()).or_default().clone();
    let result = cell
        .get_or_try_init(|| async {
            let bytes = tokio::fs::read(&path).await?;
            let encoded = tokio::task::spawn_blocking(move || Encoded::compress(bytes))
                .await
                .map_err(std::io::Error::other)??;
            Ok(Arc::new(encoded))
        })
        .await
        .cloned();
    if result.is_err() {
        cache().remove(&path);
    }
    result
}

async fn serve(
    State(state): State<Shared>,
    package: &'static str,
    Path(file): Path<String>,
    headers: HeaderMap,
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
    match encoded(path.clone()).await {
        Ok(encoded) => {
            let (encoding, bytes) = encoded.for_client(&headers);
            let mut response = (
                [
                    (CONTENT_TYPE, content_type(&file)),
                    (CACHE_CONTROL, IMMUTABLE),
                    (VARY, "accept-encoding"),
                ],
                bytes,
            )
                .into_response();
            if let Some(encoding) = encoding {
                response
                    .headers_mut()
                    .insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
            }
            response
        }
        Err(_) => not_found(format!(
            "{} not found. Run crates/clerk_dev_instance/fetch-assets.sh {} to download the \
             pinned ClerkJS bundles",
            path.display(),
            root.display()
        )),
    }
}
