//! The serving contract of `src/server/static_files.rs`, over real HTTP on loopback: hashed files
//! are immutable, other files revalidate, HTML is private; precompressed twins are chosen by
//! Accept-Encoding (never compressed twice), and larger dynamic responses are compressed.

use std::path::Path;

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::IntoView;

// The app's library crate (renamed with the project).{%- if false %}
use leptos_clerk_starter::server::static_files::*;
// {% endif %}{{nl}}use {{crate_name}}::server::static_files::*;

use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, IF_MODIFIED_SINCE, LAST_MODIFIED, VARY,
};
use reqwest::StatusCode;

const WASM: &str = "/pkg/site.W4sm-h4sh.wasm";

/// A site root like `cargo leptos build --release --precompress` makes, and its hash.txt.
struct Site {
    root: tempfile::TempDir,
    bin_dir: tempfile::TempDir,
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn site() -> Site {
    let root = tempfile::tempdir().unwrap();
    let bin_dir = tempfile::tempdir().unwrap();
    let at = |p: &str| root.path().join(p.trim_start_matches('/'));
    write(&at(WASM), b"raw wasm");
    write(&at(&format!("{WASM}.br")), b"brotli wasm");
    write(&at(&format!("{WASM}.gz")), b"gzip wasm");
    write(&at("/pkg/site.J5-h4sh.js"), b"js");
    write(&at("/pkg/site.C55-h4sh.css"), b"css");
    write(&at("/favicon.svg"), b"<svg/>");
    write(
        &bin_dir.path().join("hash.txt"),
        b"js: J5-h4sh\nwasm: W4sm-h4sh\ncss: C55-h4sh\n",
    );
    Site { root, bin_dir }
}

fn options(site: &Site) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("site")
        .site_root(site.root.path().to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .hash_files(true)
        // Leptos joins it to the binary's folder; an absolute path stands for "next to it".
        .hash_file(
            site.bin_dir
                .path()
                .join("hash.txt")
                .to_string_lossy()
                .as_ref()
                .into(),
        )
        .build()
}

fn shell(_: LeptosOptions) -> impl IntoView {
    "no such page"
}

/// Serves the static files and two pages (one large, one tiny) with the app's layers.
async fn serve(options: &LeptosOptions) -> String {
    // The 404 page is rendered by Leptos, which spawns on its global executor (a second test
    // in the same process finds it already set).
    let _ = any_spawner::Executor::init_tokio();
    let app = Router::new()
        .route("/large", get(|| async { Html("<p>hello</p>".repeat(200)) }))
        .route("/tiny", get(|| async { Html("<p>hi</p>") }))
        .fallback_service(site_files(options, shell));
    let app = compress_and_cache(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

async fn get_with(base: &str, path: &str, accept: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(accept) = accept {
        request = request.header(ACCEPT_ENCODING, accept);
    }
    request.send().await.unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &reqwest::header::HeaderName) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

#[tokio::test]
async fn hashed_files_are_immutable_and_precompressed_by_accept_encoding() {
    let site = site();
    let mut options = options(&site);
    resolve_hashed_files(&mut options).unwrap();
    let base = serve(&options).await;

    for (accept, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), "br", "brotli wasm"),
        (Some("gzip"), "gzip", "gzip wasm"),
        (None, "", "raw wasm"),
    ] {
        let response = get_with(&base, WASM, accept).await;
        assert_eq!(response.status(), StatusCode::OK, "{accept:?}");
        assert_eq!(header(&response, &CONTENT_ENCODING), encoding, "{accept:?}");
        assert_eq!(header(&response, &CACHE_CONTROL), IMMUTABLE);
        assert!(header(&response, &VARY).contains("accept-encoding"));
        // The twin as written: never compressed a second time on the fly.
        assert_eq!(response.text().await.unwrap(), body, "{accept:?}");
    }
    for path in ["/pkg/site.J5-h4sh.js", "/pkg/site.C55-h4sh.css"] {
        let response = get_with(&base, path, Some("br")).await;
        assert_eq!(header(&response, &CACHE_CONTROL), IMMUTABLE, "{path}");
    }
}

#[tokio::test]
async fn unhashed_files_revalidate_and_html_is_private() {
    let site = site();
    let mut options = options(&site);
    resolve_hashed_files(&mut options).unwrap();
    let base = serve(&options).await;

    let favicon = get_with(&base, "/favicon.svg", Some("br")).await;
    assert_eq!(favicon.status(), StatusCode::OK);
    assert_eq!(header(&favicon, &CACHE_CONTROL), REVALIDATE);
    let modified = header(&favicon, &LAST_MODIFIED).to_owned();
    assert!(
        !modified.is_empty(),
        "Last-Modified lets the browser revalidate"
    );
    let again = reqwest::Client::new()
        .get(format!("{base}/favicon.svg"))
        .header(IF_MODIFIED_SINCE, modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&again, &CACHE_CONTROL), REVALIDATE);

    let large = get_with(&base, "/large", Some("gzip, deflate, br, zstd")).await;
    assert_eq!(
        header(&large, &CONTENT_ENCODING),
        "gzip",
        "HTML is gzipped on the fly (never brotli: too slow per request)"
    );
    assert_eq!(header(&large, &CACHE_CONTROL), HTML);
    assert!(header(&large, &VARY).contains("accept-encoding"));
    let compressed = large.bytes().await.unwrap();
    let mut html = Vec::new();
    std::io::copy(
        &mut flate2::read::GzDecoder::new(&compressed[..]),
        &mut std::io::Cursor::new(&mut html),
    )
    .unwrap();
    assert_eq!(html, "<p>hello</p>".repeat(200).into_bytes());

    let brotli_only = get_with(&base, "/large", Some("br")).await;
    assert_eq!(
        header(&brotli_only, &CONTENT_ENCODING),
        "",
        "no brotli on the fly"
    );

    let tiny = get_with(&base, "/tiny", Some("gzip, br")).await;
    assert_eq!(
        header(&tiny, &CONTENT_ENCODING),
        "",
        "too small to be worth it"
    );
    assert_eq!(header(&tiny, &CACHE_CONTROL), HTML);

    let missing = get_with(&base, "/pkg/nothing.wasm", Some("br")).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        header(&missing, &CACHE_CONTROL),
        HTML,
        "the 404 page is HTML"
    );
}

#[test]
fn a_missing_or_stale_hash_file_is_a_start_up_error() {
    let site = site();
    let mut options = options(&site);
    std::fs::remove_file(site.bin_dir.path().join("hash.txt")).unwrap();
    assert!(matches!(
        resolve_hashed_files(&mut options),
        Err(HashFileError::Missing(_))
    ));

    write(
        &site.bin_dir.path().join("hash.txt"),
        b"js: J5-h4sh\nwasm: 0ther-build\ncss: C55-h4sh\n",
    );
    let error = resolve_hashed_files(&mut options).unwrap_err();
    assert!(matches!(error, HashFileError::Stale { .. }), "{error}");
    assert!(error.to_string().contains("0ther-build"), "{error}");

    let mut off = options.clone();
    off.hash_files = false;
    std::fs::remove_file(site.bin_dir.path().join("hash.txt")).unwrap();
    resolve_hashed_files(&mut off).expect("nothing to resolve when hashing is off");
}

/// `cargo leptos watch` hashes only its first build; rebuilds write plain names. Under watch the
/// pages name the plain files, which start as copies of the first build's and are never put back
/// over a rebuild's.
#[test]
fn under_watch_pages_name_the_plain_files_and_the_first_build_is_copied_to_them() {
    let site = site();
    let mut options = options(&site);
    let pkg = site.root.path().join("pkg");
    // A rebuild already wrote the CSS under its plain name.
    write(&pkg.join("site.css"), b"rebuilt css");

    use_plain_names(&mut options).unwrap();
    assert!(!options.hash_files, "pages name the plain files");
    assert_eq!(std::fs::read(pkg.join("site.wasm")).unwrap(), b"raw wasm");
    assert_eq!(std::fs::read(pkg.join("site.js")).unwrap(), b"js");
    assert_eq!(
        std::fs::read(pkg.join("site.css")).unwrap(),
        b"rebuilt css",
        "a rebuild's file is kept"
    );

    // The next server start (after a rebuild of the WASM) keeps the rebuild's files.
    write(&pkg.join("site.wasm"), b"rebuilt wasm");
    let mut options = self::options(&site);
    use_plain_names(&mut options).unwrap();
    assert_eq!(
        std::fs::read(pkg.join("site.wasm")).unwrap(),
        b"rebuilt wasm"
    );

    // No hash file (hash-files was off for the first build): nothing to copy.
    std::fs::remove_file(site.bin_dir.path().join("hash.txt")).unwrap();
    let mut options = self::options(&site);
    use_plain_names(&mut options).expect("no hash file under watch is fine");
    assert!(!options.hash_files);
}
