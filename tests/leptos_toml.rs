//! `Leptos.toml` (read by a deployed binary) must agree with `[package.metadata.leptos]` in
//! `Cargo.toml` (read by cargo-leptos), the single source of truth.

use toml::Value;

fn leptos_section(path: &str) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let doc: toml::Table = text.parse().unwrap_or_else(|e| panic!("parse {path}: {e}"));
    doc.get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("leptos"))
        .and_then(Value::as_table)
        .cloned()
        .unwrap_or_else(|| panic!("{path} has no [package.metadata.leptos] section"))
}

#[test]
fn leptos_toml_matches_cargo_metadata() {
    let cargo = leptos_section(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"));
    let runtime = leptos_section(concat!(env!("CARGO_MANIFEST_DIR"), "/Leptos.toml"));
    assert!(!runtime.is_empty(), "Leptos.toml sets no keys");
    for (key, value) in &runtime {
        assert_eq!(
            cargo.get(key),
            Some(value),
            "Leptos.toml `{key}` differs from Cargo.toml [package.metadata.leptos]; \
             Cargo.toml is the source of truth: copy its value into Leptos.toml"
        );
    }
    for key in [
        "output-name",
        "site-root",
        "site-pkg-dir",
        "site-addr",
        "reload-port",
        "hash-files",
    ] {
        assert!(
            runtime.contains_key(key),
            "Leptos.toml lacks the runtime key `{key}`"
        );
    }
}

#[test]
fn leptos_toml_is_readable_by_leptos_config() {
    // What a deployed binary does when it is not started by cargo-leptos.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/Leptos.toml");
    let conf = leptos::config::get_configuration(Some(path)).expect("Leptos.toml parses");
    let cargo = leptos_section(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"));
    assert_eq!(
        Some(conf.leptos_options.output_name.as_ref()),
        cargo.get("output-name").and_then(Value::as_str)
    );
    assert_eq!(
        Some(conf.leptos_options.site_addr.to_string().as_str()),
        cargo.get("site-addr").and_then(Value::as_str)
    );
}
