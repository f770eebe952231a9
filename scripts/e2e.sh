#!/usr/bin/env bash
# e2e.sh — runs the browser tests (end2end/) against the RELEASE build: starts the server on a
# free loopback port, waits until it answers, runs `node --test`, stops the server.
# (Only a release build runs wasm-opt, where a broken optimiser shows up as a page that never
# hydrates; so this is the build the browser tests use.)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

LOG="$LCS_CACHE_DIR/e2e-server.log"
# The tests always run against the local Clerk dev instance (a fresh one each run).
start_release_server "$LOG"
trap stop_server EXIT
if ! (cd end2end && BASE_URL="$SERVER_URL" node --test --test-concurrency=1 tests/); then
  echo "--- server log (last 40 lines) ---"; tail -40 "$LOG"
  exit 1
fi
