//! The server binary's start-up with missing Clerk keys: it stops, exits non-zero and names the
//! variable(s) to set — never falling back to the local dev instance with half the keys, and
//! never starting without keys in a build that has no dev instance (release builds).

use std::process::{Command, Output};

/// Runs the server binary with only `vars` (plus what any start-up needs) in its environment.
fn start_with(vars: &[(&str, &str)]) -> (Output, String) {
    let output = Command::new(env!(concat!("CARGO_BIN_EXE_", env!("CARGO_PKG_NAME"))))
        .env_clear()
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        // A debug binary has no hash.txt beside it (Leptos.toml turns hash-files on).
        .env("LEPTOS_HASH_FILES", "false")
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    (output, log)
}

/// Without the dev instance (a release build, or `--no-default-features`), no keys is an error.
/// `scripts/check-production.sh` runs it (`cargo test --no-default-features --features ssr`).
#[cfg(not(dev_instance))]
#[test]
fn without_keys_the_server_stops_at_start_up_naming_both_variables() {
    let (output, log) = start_with(&[]);
    assert!(!output.status.success(), "it must not start: {log}");
    for name in [
        "CLERK_PUBLISHABLE_KEY",
        "CLERK_SECRET_KEY",
        "cargo leptos watch",
    ] {
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

/// Half the keys is a mistake in any build, with or without the dev instance: the server names
/// the missing key and stops instead of quietly using the dev instance.
#[test]
fn with_half_the_keys_the_server_names_the_missing_one_and_stops() {
    let publishable = "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k";
    let secret = "sk_test_stand-in-for-tests-not-a-clerk-key";
    for (present, value, missing) in [
        ("CLERK_PUBLISHABLE_KEY", publishable, "CLERK_SECRET_KEY"),
        ("CLERK_SECRET_KEY", secret, "CLERK_PUBLISHABLE_KEY"),
    ] {
        let (output, log) = start_with(&[(present, value)]);
        assert!(
            !output.status.success(),
            "{present} alone must not start: {log}"
        );
        assert!(
            log.contains(&format!("{present} is set but {missing} is not")),
            "the error names the missing {missing}: {log}"
        );
        assert!(
            !log.contains("LOCAL CLERK DEV INSTANCE"),
            "no fallback to the dev instance: {log}"
        );
        assert!(!log.contains(value), "the key's value is not logged: {log}");
    }
}
