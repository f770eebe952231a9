//! Start-up settings: `.env`, then the Leptos site options and the shutdown drain.

use leptos::config::{get_configuration, LeptosOptions};
use thiserror::Error;

use super::shutdown::{DrainSettings, DrainSettingsError};

/// Everything the server needs before it can build its router.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Site options (address, site root, output name).
    pub leptos_options: LeptosOptions,
    /// How the server drains on shutdown (`SHUTDOWN_*`).
    pub drain: DrainSettings,
}

/// Why the server could not start.
#[derive(Debug, Error)]
pub enum SettingsError {
    /// `.env` exists but could not be parsed.
    #[error("could not read .env: {0}. Fix the line it names, or remove .env to use the defaults")]
    DotEnv(#[from] dotenvy::Error),
    /// The Leptos site configuration is invalid.
    #[error(
        "could not read the Leptos site configuration: {0}. Start the app with `cargo leptos \
         watch`, or run the binary next to Leptos.toml"
    )]
    Leptos(String),
    /// A `SHUTDOWN_*` variable is malformed.
    #[error(transparent)]
    Drain(#[from] DrainSettingsError),
    /// The content-hashed JS/WASM/CSS names could not be resolved.
    #[error(transparent)]
    HashedFiles(#[from] super::static_files::HashFileError),
}

/// Loads `.env` (cargo-leptos does not pass it on to the server) and the site options: from the
/// LEPTOS_* variables cargo-leptos sets, or from `Leptos.toml` when started without it.
pub fn load_settings() -> Result<Settings, SettingsError> {
    match dotenvy::dotenv() {
        Ok(path) => tracing::info!(path = %path.display(), "loaded environment from .env"),
        Err(e) if e.not_found() => tracing::debug!("no .env file; using the process environment"),
        Err(e) => return Err(e.into()),
    }
    if !cfg!(erase_components) {
        tracing::warn!(
            "this server was built without `--cfg erase_components`, which cargo-leptos passes to \
             the server and the WASM alike (`always-erase-components` in Cargo.toml): its pages \
             will not hydrate with the WASM cargo-leptos builds. Build with `cargo leptos build \
             --release` (or `cargo leptos watch`), not a plain `cargo build`"
        );
    }
    let started_by_cargo_leptos = std::env::var_os("LEPTOS_OUTPUT_NAME").is_some();
    let file = (!started_by_cargo_leptos).then_some("Leptos.toml");
    let conf = get_configuration(file).map_err(|e| SettingsError::Leptos(e.to_string()))?;
    let mut leptos_options = conf.leptos_options;
    super::static_files::resolve_hashed_files(&mut leptos_options)?;
    Ok(Settings {
        leptos_options,
        drain: DrainSettings::from_env()?,
    })
}
