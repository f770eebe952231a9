#!/usr/bin/env bash
# dev.sh — run the app on a fresh machine: installs what is missing (scripts/setup.sh), then runs
# plain `cargo leptos watch` (http://127.0.0.1:3000, live reload; no Clerk keys: the local Clerk
# dev instance) with the toolchain set-up chose. Once set up, `cargo leptos watch` is the same.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WITH_BROWSER="${WITH_BROWSER:-0}" bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
say "cargo leptos watch (first build takes a few minutes; then open http://127.0.0.1:3000)"
web_cargo leptos watch "$@"
