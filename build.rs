//! Decides whether the server embeds the local Clerk dev instance: `cfg(dev_instance)`.
//!
//! Cargo has no per-profile features and cargo-leptos 0.3 builds the server with the same
//! `bin-features` for `cargo leptos watch` and `cargo leptos build --release`. So the
//! `dev-instance` feature (on by default) only makes the dev instance *available*; this script
//! turns it on for debug builds (`cargo leptos watch`/`serve`/`build`, `cargo test`) and leaves it
//! out of every build whose profile is or inherits `release` — unless that build also names the
//! feature `dev-instance-in-release` (the browser tests' second configuration). Without the cfg no
//! code refers to the `clerk_dev_instance` crate, so a release binary has none of it linked in:
//! no dev-instance routes, strings, SQLite, argon2 or RSA key generation
//! (`scripts/check-release-binary.sh` checks the binary itself).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(dev_instance)");
    println!("cargo::rerun-if-changed=build.rs");
    let feature = |name: &str| std::env::var_os(format!("CARGO_FEATURE_{name}")).is_some();
    // `release` for the release profile and every profile that inherits it, `debug` otherwise.
    let release = std::env::var("PROFILE").as_deref() == Ok("release");
    if feature("DEV_INSTANCE") && (!release || feature("DEV_INSTANCE_IN_RELEASE")) {
        println!("cargo::rustc-cfg=dev_instance");
    }
}
