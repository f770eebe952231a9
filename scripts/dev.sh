#!/usr/bin/env bash
# dev.sh — THE command to run the app: installs what is missing (scripts/setup.sh), then runs
# `cargo leptos watch` on http://127.0.0.1:3000 with live reload.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WITH_BROWSER="${WITH_BROWSER:-0}" bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
say "cargo leptos watch (first build takes a few minutes; then open http://127.0.0.1:3000)"
# No content-hashed file names while developing: `cargo leptos watch` hashes only its first build,
# so a live-reloaded WASM would keep the first build's name (hash-files is for release builds).
# The server with the local Clerk dev instance (used when no Clerk keys are set); release builds
# leave it out (Cargo.toml: bin-features).
LEPTOS_HASH_FILES=false web_cargo leptos watch --bin-features ssr,oauth,dev-instance "$@"
