//! Server-function URLs do not depend on where the project was built. Leptos names a
//! `#[server]` function without an `endpoint` `/api/<name><hash>`, the hash taken over the
//! crate's directory (CARGO_MANIFEST_DIR): two builds of one commit in different directories
//! (N instances behind a load balancer, a rolling deploy) would then serve different URLs, and
//! every open page would call functions the next instance does not have. So every server
//! function of the app names its endpoint; this test fails for one that does not.
//! (scripts/scale-test.sh compares the URLs of two real builds in two directories.)
#![cfg(feature = "ssr")]

use leptos::server_fn::axum::server_fn_paths;

// The app's library crate (renamed with the project).{%- if false %}
use leptos_clerk_starter::app::App;
// {% endif %}{{nl}}use {{crate_name}}::app::App;

/// Whether the last segment of `path` ends in the decimal hash Leptos appends (a u64: far more
/// digits than a hand-written endpoint has).
fn ends_in_a_hash(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.chars().rev().take_while(char::is_ascii_digit).count() >= 8
}

#[test]
fn the_hash_rule_recognises_a_generated_url() {
    assert!(ends_in_a_hash("/api/load_profile14562397310593218123"));
    assert!(!ends_in_a_hash("/api/load_profile"));
    assert!(!ends_in_a_hash("/api/v2_orders"));
}

#[test]
fn every_server_function_has_a_fixed_url() {
    // Link the app's routes, where its server functions are registered.
    let _ = App;
    let paths: Vec<&str> = server_fn_paths().map(|(path, _)| path).collect();
    for expected in ["/api/load_profile", "/api/update_profile"] {
        assert!(paths.contains(&expected), "{expected} in {paths:?}");
    }
    let hashed: Vec<&str> = paths
        .iter()
        .copied()
        .filter(|p| ends_in_a_hash(p))
        .collect();
    assert!(
        hashed.is_empty(),
        "give these server functions an `endpoint = \"…\"`: {hashed:?}"
    );
}
