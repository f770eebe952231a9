#!/usr/bin/env bash
# test.sh — THE command to run every test: installs what is missing (scripts/setup.sh), then
#   formatting, clippy (-D warnings) for the `ssr` and the `hydrate` feature sets, cargo test,
#   the library crates as packages (scripts/check-crates.sh: cargo package, cargo doc),
#   the production feature set (scripts/check-production.sh), plain `cargo leptos serve` with no
#   keys on the local Clerk dev instance (scripts/check-dev-build.sh), the release binary without
#   the dev instance (scripts/check-release-binary.sh, and its control), and the browser tests
#   (end2end/, scripts/e2e.sh) against release builds made with cargo-leptos: the production build
#   run as in production (pk_live_ keys, Frontend API proxy, the standalone clerk-dev-instance as its
#   Clerk), then the build with the embedded dev instance as a fresh clone runs it. Prints how
#   long each phase took.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
START=$(date +%s)

# The crates built for the browser (the dev instance is server-only).
WEB=(-p "$APP_NAME" -p leptos_clerk)

phase "setup" bash "$ROOT/scripts/setup.sh"
phase "cargo fmt --check" cargo fmt --all --check
# Server-side checks use the server's features (SERVER_FEATURES, from Cargo.toml's
# `bin-features`: the optional OAuth strategy included) plus the default `dev-instance`, as
# `cargo leptos watch` builds it.
phase "clippy (ssr)" cargo clippy --workspace --all-targets --features "$SERVER_FEATURES" -- -D warnings
phase "clippy (hydrate)" cargo clippy "${WEB[@]}" --all-targets --features hydrate -- -D warnings
phase "cargo test" cargo test --workspace --features "$SERVER_FEATURES"
phase "crates (cargo package, cargo doc)" bash "$ROOT/scripts/check-crates.sh"
phase "template (cargo leptos new, both halves)" bash "$ROOT/scripts/check-template.sh"
phase "production build (no dev instance)" bash "$ROOT/scripts/check-production.sh"
phase "debug build (plain cargo leptos serve, no keys)" bash "$ROOT/scripts/check-dev-build.sh"
phase "browser tests (cargo leptos end-to-end: debug build)" bash "$ROOT/scripts/e2e.sh" debug
phase "release build (production)" web_cargo "${RELEASE_BUILD[@]}"
phase "release binary: no dev instance in it" bash "$ROOT/scripts/check-release-binary.sh"
phase "browser tests (production configuration)" bash "$ROOT/scripts/e2e.sh" production
phase "release build (embedded dev instance)" web_cargo "${DEV_INSTANCE_BUILD[@]}"
phase "release binary: control (dev instance opted in)" bash "$ROOT/scripts/check-release-binary.sh" --control
phase "browser tests (embedded dev instance)" bash "$ROOT/scripts/e2e.sh" dev-instance
phase_summary
say "all tests passed in $(( $(date +%s) - START )) s"
