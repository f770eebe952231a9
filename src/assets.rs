//! The `<link>`s and `<script>` that load this build's CSS, JS and WASM, rendered from names
//! read once per process.
//!
//! Why not Leptos' own components: leptos 0.8.23's `<HydrationScripts/>`
//! (`leptos/src/hydration/mod.rs`) and leptos_meta 0.8.7's `<HashedStylesheet/>`
//! (`leptos_meta/src/stylesheet.rs`) call `current_exe()`, `exists()` and `read_to_string()` on
//! cargo-leptos' hash file on **every render**; with `hash-files` on that cost the signed-in page
//! about 30 % of its throughput (issue 39). [`Stylesheet`] and [`HydrationScripts`] emit the same
//! markup (`tests/assets.rs` compares them with Leptos' byte for byte) from [`AssetNames`], which
//! reads the hash file once. Go back to Leptos' components when they cache the hash file, or if
//! the app adopts `cargo leptos --split` (`#[lazy]`), whose manifest only Leptos'
//! `<HydrationScripts/>` provides.
//!
//! The hash file never changes under a running server: `cargo leptos build` writes it with the
//! binary and the site, and they are deployed together (`server::static_files` checks that they
//! match at start-up).

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use leptos::config::LeptosOptions;
use leptos::prelude::*;

/// The file names, without folder or extension, of this build's JS glue, WASM and CSS:
/// `<output-name>.<hash>` with `hash-files`, else `<output-name>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetNames {
    /// The JS glue (`<name>.js`).
    pub js: String,
    /// The WASM binary (`<name>.wasm`).
    pub wasm: String,
    /// The stylesheet (`<name>.css`).
    pub css: String,
}

/// Names read for one set of options: those the names depend on, kept to tell them apart.
struct Read {
    hash_files: bool,
    hash_file: Arc<str>,
    output_name: Arc<str>,
    names: Arc<AssetNames>,
}

impl Read {
    /// Whether these names are the ones of `options` (compared without allocating: every render
    /// asks).
    fn is_for(&self, options: &LeptosOptions) -> bool {
        self.hash_files == options.hash_files
            && self.hash_file == options.hash_file
            && self.output_name == options.output_name
    }
}

/// The names read so far, one entry per distinct set of options (one in a server).
static READ: RwLock<Vec<Read>> = RwLock::new(Vec::new());

impl AssetNames {
    /// The names for `options`: the hash file is read the first time, later calls answer from
    /// memory.
    pub fn of(options: &LeptosOptions) -> Arc<AssetNames> {
        let known = |read: &[Read]| {
            read.iter()
                .find(|entry| entry.is_for(options))
                .map(|entry| entry.names.clone())
        };
        if let Some(names) = known(&READ.read().unwrap_or_else(|e| e.into_inner())) {
            return names;
        }
        let mut read = READ.write().unwrap_or_else(|e| e.into_inner());
        if let Some(names) = known(&read) {
            return names;
        }
        let names = Arc::new(Self::read(options));
        read.push(Read {
            hash_files: options.hash_files,
            hash_file: options.hash_file.clone(),
            output_name: options.output_name.clone(),
            names: names.clone(),
        });
        names
    }

    /// Reads the names from the hash file, as Leptos' components do.
    fn read(options: &LeptosOptions) -> AssetNames {
        if !options.hash_files {
            return Self::from_hashes(options, None);
        }
        let path = hash_file_path(options);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_hashes(options, Some(&text)),
            Err(e) => {
                tracing::error!(
                    path = %path.display(),
                    error = %e,
                    "file hashing is on but the hash file could not be read: pages name the \
                     unhashed files"
                );
                Self::from_hashes(options, Some(""))
            }
        }
    }

    /// The names from the hash file's `text` (`None`: hashing is off).
    fn from_hashes(options: &LeptosOptions, text: Option<&str>) -> AssetNames {
        let name = options.output_name.to_string();
        let Some(text) = text else {
            // Leptos' rule: without cargo-leptos (no LEPTOS_OUTPUT_NAME while compiling),
            // wasm-bindgen's default `<name>_bg.wasm`.
            let wasm_suffix = if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
                "_bg"
            } else {
                ""
            };
            return AssetNames {
                js: name.clone(),
                wasm: format!("{name}{wasm_suffix}"),
                css: name,
            };
        };
        let hashed = |kind: &str| {
            hashes(text)
                .filter(|(ext, _)| *ext == kind)
                .fold(name.clone(), |name, (_, hash)| format!("{name}.{hash}"))
        };
        AssetNames {
            js: hashed("js"),
            wasm: hashed("wasm"),
            css: hashed("css"),
        }
    }
}

/// Where Leptos reads the hash file: `options.hash_file` relative to the binary's folder (or as
/// given, when absolute).
pub(crate) fn hash_file_path(options: &LeptosOptions) -> PathBuf {
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    exe_dir.join(options.hash_file.as_ref())
}

/// The `(extension, hash)` pairs the hash file `text` names (`js: <hash>` lines).
pub(crate) fn hashes(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines()
        .filter_map(|line| line.trim().split_once(':'))
        .map(|(ext, hash)| (ext, hash.trim()))
}

/// The stylesheet `<link>`: what leptos_meta's `<HashedStylesheet/>` renders.
#[component]
pub fn Stylesheet(
    /// Site options (`site_pkg_dir`, and the hash file's location).
    options: LeptosOptions,
    /// An id for the `<link>` (`leptos` lets cargo-leptos hot-reload it).
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let names = AssetNames::of(&options);
    let href = format!("/{}/{}.css", options.site_pkg_dir, names.css);
    view! { <link id=id rel="stylesheet" href=href/> }
}

/// The JS/WASM preloads and the module script that hydrates the page: what Leptos'
/// `<HydrationScripts/>` renders (not in islands mode, not deferred, at the site root).
#[component]
pub fn HydrationScripts(
    /// Site options (`site_pkg_dir`, and the hash file's location).
    options: LeptosOptions,
) -> impl IntoView {
    let names = AssetNames::of(&options);
    let pkg_path = &options.site_pkg_dir;
    let (js, wasm) = (&names.js, &names.wasm);
    let nonce = leptos::nonce::use_nonce();
    // Arguments: root (the site root: ""), pkg_path, output_name, wasm_output_name, defer.
    let script = format!("{HYDRATION_SCRIPT}(\"\", {pkg_path:?}, {js:?}, {wasm:?}, false);");
    view! {
        <link rel="modulepreload" href=format!("/{pkg_path}/{js}.js") crossorigin=nonce.clone()/>
        <link
            rel="preload"
            href=format!("/{pkg_path}/{wasm}.wasm")
            r#as="fetch"
            r#type="application/wasm"
            crossorigin=nonce.as_ref().map(|n| n.to_string()).unwrap_or_default()
        />
        <script type="module" nonce=nonce>
            {script}
        </script>
    }
}

/// Leptos 0.8.23's `leptos/src/hydration/hydration_script.js` (MIT): loads the JS glue and the
/// WASM, then hydrates.
const HYDRATION_SCRIPT: &str = r#"(function (root, pkg_path, output_name, wasm_output_name, defer) {
	const hydrate = () =>
		import(`${root}/${pkg_path}/${output_name}.js`)
			.then(mod => {
				mod.default({module_or_path: `${root}/${pkg_path}/${wasm_output_name}.wasm`}).then(() => {
					mod.hydrate();
				});
			});
	if (defer && "requestIdleCallback" in window) {
		// `timeout` is a backstop: a never-idle page would otherwise stay dead
		window.requestIdleCallback(hydrate, { timeout: 2000 });
	} else {
		hydrate();
	}
})
"#;
