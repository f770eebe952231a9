//! A production build (no `dev-instance` feature) has no local Clerk dev instance: without
//! Clerk keys the binary stops at start-up and names the variables to set. Run by
//! `scripts/check-production.sh` (`cargo test --no-default-features --features ssr`).
#![cfg(not(feature = "dev-instance"))]

#[test]
fn without_keys_the_server_stops_at_start_up_naming_both_variables() {
    let output =
        std::process::Command::new(env!(concat!("CARGO_BIN_EXE_", env!("CARGO_PKG_NAME"))))
            .env_clear()
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            // A debug binary has no hash.txt beside it (Leptos.toml turns hash-files on).
            .env("LEPTOS_HASH_FILES", "false")
            .output()
            .unwrap();
    assert!(!output.status.success(), "it must not start");
    let log = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    for name in ["CLERK_PUBLISHABLE_KEY", "CLERK_SECRET_KEY", "dev-instance"] {
        assert!(log.contains(name), "the error names {name}: {log}");
    }
    // `cargo test` builds without cargo-leptos' `--cfg erase_components`: a server like that
    // renders pages cargo-leptos' WASM cannot hydrate, and says so at start-up.
    assert_eq!(
        log.contains("built without `--cfg erase_components`"),
        !cfg!(erase_components),
        "the warning about a server built without cargo-leptos: {log}"
    );
}
