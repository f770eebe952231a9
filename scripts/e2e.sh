#!/usr/bin/env bash
# e2e.sh — runs the browser tests (end2end/) against the RELEASE build: starts the server on a
# free loopback port, waits until it answers, runs `node --test`, stops the server.
# (Only a release build runs wasm-opt, where a broken optimiser shows up as a page that never
# hydrates; so this is the build the browser tests use.)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

BIN="$CARGO_TARGET_DIR/release/leptos-clerk-starter"
[ -x "$BIN" ] || die "$BIN is missing: run 'cargo leptos build --release' first (scripts/test.sh does)"
PORT="${E2E_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
LOG="$LCS_CACHE_DIR/e2e-server.log"

DATA_DIR="$(mktemp -d)"
# The tests always run against the local Clerk dev instance (a fresh one each run): empty Clerk
# keys win over any in .env. The release binary refuses the dev instance unless told.
LEPTOS_SITE_ROOT="$ROOT/target/site" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_OUTPUT_NAME=leptos-clerk-starter \
  LEPTOS_SITE_PKG_DIR=pkg LEPTOS_ENV=PROD RUST_LOG="${RUST_LOG:-info}" \
  CLERK_PUBLISHABLE_KEY= CLERK_SECRET_KEY= CLERK_FRONTEND_API= CLERK_API_KEY= \
  CLERK_DEV_DATA_DIR="$DATA_DIR" CLERK_DEV_ASSETS_DIR="$ROOT/.clerk-dev/assets" \
  CLERK_DEV_INSTANCE_ALLOW_RELEASE=1 CLERK_DEV_TOKEN_LIFETIME_SECS="${CLERK_DEV_TOKEN_LIFETIME_SECS:-60}" \
  "$BIN" > "$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA_DIR"' EXIT

for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break
  kill -0 $SERVER 2>/dev/null || { cat "$LOG"; die "the server exited during start-up"; }
  sleep 0.1
done
echo "    server on http://127.0.0.1:$PORT (log: $LOG)"
if ! (cd end2end && BASE_URL="http://127.0.0.1:$PORT" node --test --test-concurrency=1 tests/); then
  echo "--- server log (last 40 lines) ---"; tail -40 "$LOG"
  exit 1
fi
