#!/usr/bin/env bash
# check-production.sh — the production server build (`--no-default-features --features
#   $SERVER_FEATURES`, what `cargo leptos build --release` compiles) has no local Clerk dev
#   instance in it: no SQLite, argon2 or RSA key generation among its dependencies (the default
#   build, checked as a control, has them), it passes clippy, and its tests pass (among them
#   tests/production_build.rs: without Clerk keys the binary stops at start-up naming both); and
#   the smallest app (`--features ssr`: no dev instance, no OAuth) passes clippy.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

DEV_ONLY='clerk_dev_instance|rusqlite|libsqlite3-sys|argon2|rsa'
crates() {
  cargo tree -p "$APP_NAME" "$@" -e normal --prefix none \
    --target "$(rustc -vV | sed -n 's/^host: //p')" | awk '{print $1}' | sort -u
}
control=$(crates --features ssr | grep -xE "$DEV_ONLY" || true)
[ -n "$control" ] || die "control failed: the default build should contain the dev instance"
leaked=$(crates --no-default-features --features "$SERVER_FEATURES" | grep -xE "$DEV_ONLY" || true)
[ -z "$leaked" ] || die "the production build depends on dev-instance crates: $leaked"
say "production build: none of $DEV_ONLY"
PRODUCTION=(-p "$APP_NAME" --no-default-features --features "$SERVER_FEATURES")
cargo clippy "${PRODUCTION[@]}" --all-targets -- -D warnings
cargo test "${PRODUCTION[@]}"
# The smallest app: neither the dev instance nor "Sign in with Clerk" over OAuth.
cargo clippy -p "$APP_NAME" --no-default-features --features ssr --all-targets -- -D warnings
