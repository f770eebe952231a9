//! `assets::{Stylesheet, HydrationScripts}` render what Leptos' `<HashedStylesheet/>` and
//! `<HydrationScripts/>` render, byte for byte, but read the hash file once (issue 39).

use std::path::{Path, PathBuf};

use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;
// The app's library crate (renamed with the project).{%- if false %}
use leptos_clerk_starter::assets::{AssetNames, HydrationScripts, Stylesheet};
// {% endif %}{{nl}}use {{crate_name}}::assets::{AssetNames, HydrationScripts, Stylesheet};

/// Options naming `hash_file` by absolute path, as `resolve_hashed_files` leaves them.
fn options(hash_files: bool, hash_file: &Path) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("starter")
        .hash_files(hash_files)
        .hash_file(hash_file.to_string_lossy().as_ref().into())
        .build()
}

fn render<V: RenderHtml>(view: impl FnOnce() -> V) -> String {
    Owner::new().with(|| view().to_html())
}

/// Leptos' components, as `app.rs` used them before.
fn leptos_markup(options: &LeptosOptions) -> String {
    let options = options.clone();
    render(move || {
        view! {
            <leptos_meta::HashedStylesheet options=options.clone() id="leptos"/>
            <leptos::prelude::HydrationScripts options/>
        }
    })
}

/// Ours.
fn our_markup(options: &LeptosOptions) -> String {
    let options = options.clone();
    render(move || {
        view! {
            <Stylesheet options=options.clone() id="leptos"/>
            <HydrationScripts options/>
        }
    })
}

fn write_hashes(path: &Path, js: &str, wasm: &str, css: &str) {
    std::fs::write(path, format!("js: {js}\nwasm: {wasm}\ncss: {css}\n")).unwrap();
}

/// Hashing on, with a hash file naming `J1`, `W1`, `C1` (the folder lives as long as the guard).
fn hashed() -> (tempfile::TempDir, PathBuf, LeptosOptions) {
    let dir = tempfile::tempdir().unwrap();
    let hash_file = dir.path().join("hash.txt");
    write_hashes(&hash_file, "J1", "W1", "C1");
    let options = options(true, &hash_file);
    (dir, hash_file, options)
}

#[test]
fn with_hash_files_the_markup_is_leptos_own_and_names_the_hashed_files() {
    let (_dir, _, options) = hashed();

    let ours = our_markup(&options);
    assert_eq!(ours, leptos_markup(&options));
    for url in [
        "/pkg/starter.C1.css",
        "/pkg/starter.J1.js",
        "/pkg/starter.W1.wasm",
    ] {
        assert!(ours.contains(url), "{url} missing from {ours}");
    }
    assert!(ours.contains(r#"id="leptos""#), "{ours}");
}

#[test]
fn without_hash_files_the_markup_is_leptos_own() {
    let dir = tempfile::tempdir().unwrap();
    let options = options(false, &dir.path().join("never-read.txt"));
    let ours = our_markup(&options);
    assert_eq!(ours, leptos_markup(&options));
    assert!(ours.contains("/pkg/starter.css"), "{ours}");
}

/// Leptos' `<HydrationScripts/>` panics on its first render then (the server refuses to start
/// before: `static_files::resolve_hashed_files`); ours names the unhashed files and logs an error.
#[test]
fn a_missing_hash_file_names_the_unhashed_files() {
    let dir = tempfile::tempdir().unwrap();
    let options = options(true, &dir.path().join("missing.txt"));
    let ours = our_markup(&options);
    for url in ["/pkg/starter.css", "/pkg/starter.js", "/pkg/starter.wasm"] {
        assert!(ours.contains(url), "{url} missing from {ours}");
    }
}

#[test]
fn the_hash_file_is_read_once_not_on_every_render() {
    let (_dir, hash_file, options) = hashed();
    let first = our_markup(&options);

    // What a render would see if it read the file again: Leptos' components do.
    write_hashes(&hash_file, "J2", "W2", "C2");
    assert!(leptos_markup(&options).contains("starter.W2.wasm"));
    std::fs::remove_file(&hash_file).unwrap();

    assert_eq!(our_markup(&options), first);
    assert_eq!(
        *AssetNames::of(&options),
        AssetNames {
            js: "starter.J1".into(),
            wasm: "starter.W1".into(),
            css: "starter.C1".into(),
        }
    );
}
