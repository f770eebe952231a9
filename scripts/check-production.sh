#!/usr/bin/env bash
# check-production.sh — the server's code path without the local Clerk dev instance (what a
#   release build compiles: build.rs leaves `cfg(dev_instance)` off) in a quick debug build,
#   `--no-default-features --features $SERVER_FEATURES`: it passes clippy, and its tests pass
#   (among them tests/start_up.rs: without Clerk keys the binary stops at start-up naming both);
#   and the smallest app (`--features ssr`: no dev instance, no OAuth) passes clippy.
#   That no dev instance gets into the release binary itself is checked on the binary:
#   scripts/check-release-binary.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

PRODUCTION=(-p "$APP_NAME" --no-default-features --features "$SERVER_FEATURES")
cargo clippy "${PRODUCTION[@]}" --all-targets -- -D warnings
cargo test "${PRODUCTION[@]}"
# The smallest app: neither the dev instance nor "Sign in with Clerk" over OAuth.
cargo clippy -p "$APP_NAME" --no-default-features --features ssr --all-targets -- -D warnings
