#!/usr/bin/env bash
# e2e.sh — runs the browser tests (end2end/) against the RELEASE build in its production
# configuration: the app (built with `--bin-features ssr,oauth`, no dev instance in it) with pk_live_
# keys, its Frontend API proxy at /__clerk and "Sign in with Clerk", in front of the standalone
# `clerk-dev-instance` as its external Clerk (a separate process); runs `node --test`, stops both.
# (Only a release build runs wasm-opt, where a broken optimiser shows up as a page that never
# hydrates; so this is the build the browser tests use.)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# The external Clerk: a fresh dev instance each run.
cargo build -q -p clerk_dev_instance --bin clerk-dev-instance
LOGS="$LCS_CACHE_DIR/e2e-logs"
start_release_server "$LOGS"
trap stop_server EXIT
if ! (cd end2end && BASE_URL="$SERVER_URL" CLERK_DEV_URL="$CLERK_DEV_URL" \
      node --test --test-concurrency=1 tests/); then
  echo "--- app log (last 40 lines) ---"; tail -40 "$SERVER_LOG"
  echo "--- Clerk instance log (last 20 lines) ---"; tail -20 "$LOGS/clerk.log"
  exit 1
fi
