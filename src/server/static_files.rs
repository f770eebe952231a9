//! Static files, compression and caching.
//!
//! - Files of the site root (`pkg/` from cargo-leptos, `public/`) are served with the `.br` /
//!   `.gz` twins `cargo leptos build --release --precompress` writes next to each file, chosen by
//!   `Accept-Encoding` (`Vary: Accept-Encoding`). A request for no file renders the app's 404 page.
//! - Every other response above [`COMPRESS_ABOVE_BYTES`] (SSR HTML, server functions, JSON) and a
//!   file without twins is gzipped on the fly, at gzip's fastest level: see [`compress_and_cache`].
//! - `Cache-Control`: the content-hashed JS/WASM/CSS (`hash-files = true`) [`IMMUTABLE`], other
//!   files [`REVALIDATE`] (with `Last-Modified`), HTML pages [`HTML`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, VARY};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::IntoView;

use crate::assets::{hash_file_path, AssetNames};
use thiserror::Error;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;

/// `Cache-Control` of content-hashed files: a new build has new names, so they never change.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of the other site files: cached, but revalidated (`If-Modified-Since`).
pub const REVALIDATE: &str = "no-cache";
/// `Cache-Control` of HTML pages: they carry the request's auth state, so only the browser may
/// keep them, and it revalidates.
pub const HTML: &str = "private, no-cache";
/// Responses up to this size go out uncompressed: compressing them saves less than it costs.
pub const COMPRESS_ABOVE_BYTES: u16 = 1024;

/// Why the content-hashed file names could not be resolved at start-up.
#[derive(Debug, Error)]
pub enum HashFileError {
    /// `hash-files` is on but cargo-leptos' hash file is not next to the binary.
    #[error(
        "hash-files is on but {0} is missing. Deploy the hash.txt that `cargo leptos build` wrote \
         next to the server binary together with the binary, or set LEPTOS_HASH_FILES=false and \
         rebuild"
    )]
    Missing(PathBuf),
    /// The hash file could not be read.
    #[error("could not read {path}: {source}. Check its permissions")]
    Unreadable {
        /// The hash file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Under `cargo leptos watch`: a first-build file could not be copied to its plain name.
    #[error("could not copy {from} to {to}: {source}. Check the site folder's permissions")]
    Copy {
        /// The content-hashed file.
        from: PathBuf,
        /// Its plain name.
        to: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The hash file names a file the site does not have (a different build's hash.txt).
    #[error(
        "{hash_file} names {missing}, which does not exist. Deploy the hash.txt and the site \
         folder of the same `cargo leptos build`"
    )]
    Stale {
        /// The hash file.
        hash_file: PathBuf,
        /// The named file that is missing.
        missing: PathBuf,
    },
}

/// Makes `options` name the content-hashed JS/WASM/CSS of this build: checks that cargo-leptos'
/// hash file (`hash.txt` next to the server binary) names files the site has, and points
/// `options.hash_file` at it by absolute path.
pub fn resolve_hashed_files(options: &mut LeptosOptions) -> Result<(), HashFileError> {
    if !options.hash_files {
        return Ok(());
    }
    // cargo-leptos sets LEPTOS_WATCH for the server `cargo leptos watch` runs.
    if std::env::var_os("LEPTOS_WATCH").is_some() {
        return use_plain_names(options);
    }
    let path = hash_file_path(options);
    let text = read_hash_file(&path)?.ok_or_else(|| HashFileError::Missing(path.clone()))?;
    for url_path in hashed_url_paths(options, &text) {
        let file = Path::new(options.site_root.as_ref()).join(url_path.trim_start_matches('/'));
        if !file.is_file() {
            return Err(HashFileError::Stale {
                hash_file: path,
                missing: file,
            });
        }
    }
    options.hash_file = path.to_string_lossy().as_ref().into();
    // Pages name these files from memory from now on (`crate::assets`).
    AssetNames::of(options);
    Ok(())
}

/// For `cargo leptos watch`: makes `options` name the JS/WASM/CSS by their plain names
/// (`/pkg/<output-name>.wasm`, hashing off) and gives the first build's content-hashed files those
/// names too, where no rebuild has written them yet.
///
/// cargo-leptos 0.3 content-hashes only the first build of a watch (`build_proj` in its
/// `src/command/build.rs`); each rebuild (`runner` in `src/command/watch.rs`) writes the files
/// under their plain names and leaves hash.txt as it was. Pages naming the hashed files would
/// keep loading the first build's WASM after an edit, so under watch they name the plain ones.
pub fn use_plain_names(options: &mut LeptosOptions) -> Result<(), HashFileError> {
    options.hash_files = false;
    let Some(text) = read_hash_file(&hash_file_path(options))? else {
        return Ok(());
    };
    let pkg_dir = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    for (ext, hash) in hashes(&text) {
        let name = &options.output_name;
        let hashed = pkg_dir.join(format!("{name}.{hash}.{ext}"));
        let plain = pkg_dir.join(format!("{name}.{ext}"));
        if !plain.exists() && hashed.is_file() {
            std::fs::copy(&hashed, &plain).map_err(|source| HashFileError::Copy {
                from: hashed,
                to: plain,
                source,
            })?;
        }
    }
    Ok(())
}

/// The hash file's text, or `None` when there is none.
fn read_hash_file(path: &Path) -> Result<Option<String>, HashFileError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(HashFileError::Unreadable {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The `(extension, hash)` pairs of the JS/WASM/CSS the hash file `text` names.
fn hashes(text: &str) -> impl Iterator<Item = (&str, &str)> {
    crate::assets::hashes(text)
        .filter(|(ext, hash)| matches!(*ext, "js" | "wasm" | "css") && !hash.is_empty())
}

/// The URL paths (`/pkg/<output-name>.<hash>.wasm`, …) the hash file `text` names.
fn hashed_url_paths(options: &LeptosOptions, text: &str) -> Vec<String> {
    hashes(text)
        .map(|(ext, hash)| {
            format!(
                "/{}/{}.{hash}.{ext}",
                options.site_pkg_dir, options.output_name
            )
        })
        .collect()
}

/// The URL paths of this build's content-hashed files (empty when hashing is off).
fn hashed_files(options: &LeptosOptions) -> HashSet<String> {
    if !options.hash_files {
        return HashSet::new();
    }
    match std::fs::read_to_string(hash_file_path(options)) {
        Ok(text) => hashed_url_paths(options, &text).into_iter().collect(),
        Err(e) => {
            tracing::warn!(error = %e, "no hash file: the site's files are served as revalidated");
            HashSet::new()
        }
    }
}

/// The site root as a service: a file (its brotli/gzip twin when the client accepts one) with
/// its `Cache-Control`, else the app's 404 page rendered in `shell`.
pub fn site_files<IV>(
    options: &LeptosOptions,
    shell: impl Fn(LeptosOptions) -> IV + Clone + Send + Sync + 'static,
) -> Router
where
    IV: IntoView + 'static,
{
    let not_found = Router::new()
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options.clone());
    let files = ServeDir::new(options.site_root.as_ref())
        .precompressed_br()
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found);
    let hashed = Arc::new(hashed_files(options));
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn_with_state(hashed, file_cache_headers))
}

/// `Cache-Control` and `Vary` of a file response (the 404 page keeps its own headers).
async fn file_cache_headers(
    State(hashed): State<Arc<HashSet<String>>>,
    request: Request,
    next: Next,
) -> Response {
    let immutable = hashed.contains(request.uri().path());
    let mut response = next.run(request).await;
    let status = response.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        let policy = if immutable { IMMUTABLE } else { REVALIDATE };
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(policy));
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Wraps the whole app: on-the-fly compression of responses above [`COMPRESS_ABOVE_BYTES`]
/// (never twice: precompressed files already carry `Content-Encoding`), and [`HTML`] as the
/// `Cache-Control` of HTML pages that set none.
///
/// On the fly means gzip at level 1, never brotli: a page is compressed on every request, and
/// brotli (tower-http's quality 4) cost 86 µs for the 3.2 kB signed-in page in one piece and
/// 445 µs in 8 pieces (a streamed page comes in several), against 27–40 µs for gzip level 1
/// however it is cut, for 1,505 bytes instead of 1,325 (issue 39: with brotli the page served
/// about a third fewer requests per second than uncompressed; measured with
/// `scripts/bench.sh --compare`).
/// The big files (WASM, JS, CSS) go out as the brotli twins `--precompress` wrote at build time.
pub fn compress_and_cache(app: Router) -> Router {
    let worth_compressing = SizeAbove::new(COMPRESS_ABOVE_BYTES)
        .and(NotForContentType::GRPC)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE);
    app.layer(middleware::map_response(html_cache_control))
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Fastest)
                .compress_when(worth_compressing),
        )
}

async fn html_cache_control(mut response: Response) -> Response {
    let is_html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if is_html && !response.headers().contains_key(CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(HTML));
    }
    response
}
