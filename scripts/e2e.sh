#!/usr/bin/env bash
# e2e.sh — runs the browser tests (end2end/) against the RELEASE build (E2E_BUILD in lib.sh: the
# production build plus the embedded local Clerk dev instance): starts the server on a free
# loopback port, waits until it answers, runs `node --test`, stops the server.
# (Only a release build runs wasm-opt, where a broken optimiser shows up as a page that never
# hydrates; so this is the build the browser tests use.)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# A fresh dev instance each run.
LOGS="$LCS_CACHE_DIR/e2e-logs"
start_release_server "$LOGS"
trap stop_server EXIT
if ! (cd end2end && BASE_URL="$SERVER_URL" CLERK_DEV_URL="$CLERK_DEV_URL" \
      node --test --test-concurrency=1 tests/); then
  echo "--- app log (last 40 lines) ---"; tail -40 "$SERVER_LOG"
  exit 1
fi
