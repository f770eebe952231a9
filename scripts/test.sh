#!/usr/bin/env bash
# test.sh — THE command to run every test: installs what is missing (scripts/setup.sh), then
#   formatting, clippy (-D warnings) for the `ssr` and the `hydrate` feature sets, cargo test,
#   the production feature set (scripts/check-production.sh), a release build with cargo-leptos
#   (with the local Clerk dev instance), and the browser tests (end2end/) against that release
#   build (scripts/e2e.sh). Prints how long each phase took.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
START=$(date +%s)

# The crates built for the browser (the dev instance is server-only).
WEB=(-p "$APP_NAME" -p leptos_clerk)

phase "setup" bash "$ROOT/scripts/setup.sh"
phase "cargo fmt --check" cargo fmt --all --check
# Server-side checks include the optional OAuth strategy (the app's feature `oauth`).
SERVER_FEATURES=ssr,oauth
phase "clippy (ssr)" cargo clippy --workspace --all-targets --features "$SERVER_FEATURES" -- -D warnings
phase "clippy (hydrate)" cargo clippy "${WEB[@]}" --all-targets --features hydrate -- -D warnings
phase "cargo test" cargo test --workspace --features "$SERVER_FEATURES"
phase "template (cargo leptos new, both halves)" bash "$ROOT/scripts/check-template.sh"
phase "production build (no dev instance)" bash "$ROOT/scripts/check-production.sh"
phase "release build (cargo leptos)" web_cargo "${E2E_BUILD[@]}"
phase "browser tests (release build)" bash "$ROOT/scripts/e2e.sh"
phase_summary
say "all tests passed in $(( $(date +%s) - START )) s"
