#!/usr/bin/env bash
# e2e.sh [production|dev-instance] [TEST FILES...] — runs the browser tests (end2end/) against the
# RELEASE build (only a release build runs wasm-opt, where a broken optimiser shows up as a page
# that never hydrates), in one of two configurations:
#   production   (default) the production build (RELEASE_BUILD in lib.sh) run as in production:
#                pk_live_/sk_live_ keys, CLERK_AUTHORIZED_PARTIES, SESSION_SECRET, ClerkJS through
#                the app's Frontend API proxy, in front of the standalone `clerk-dev-instance`
#                playing a production Clerk (a separate process);
#   dev-instance the build with the embedded local Clerk dev instance (DEV_INSTANCE_BUILD), as
#                `scripts/dev.sh` runs it on a fresh clone: no keys, a development instance.
# Build first (scripts/test.sh does both). Starts the servers on free loopback ports, runs
# `node --test`, stops them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

MODE="${1:-production}"; shift || true
TESTS=("${@:-tests/}")
[ -d end2end/node_modules/playwright-core ] || (cd end2end && npm ci --no-audit --no-fund >/dev/null)
LOGS="$LCS_CACHE_DIR/e2e-logs/$MODE"
mkdir -p "$LOGS"
trap stop_server EXIT

# A fresh Clerk instance each run.
case "$MODE" in
  production)
    cargo build --quiet -p clerk_dev_instance --bin clerk-dev-instance
    port="$(free_port)"; SERVER_URL="http://127.0.0.1:$port"
    start_clerk_instance "$LOGS/instance.log" "$SERVER_URL"
    start_app "$LOGS/app.log" "$port" "$SERVER_URL"
    SERVER_LOG="$LOGS/app.log"
    echo "    app (production build, pk_live_ keys, Frontend API proxy) on $SERVER_URL (log: $SERVER_LOG)"
    ;;
  dev-instance)
    start_dev_instance_server "$LOGS"
    ;;
  *) die "unknown configuration '$MODE': production or dev-instance" ;;
esac

if ! (cd end2end && BASE_URL="$SERVER_URL" CLERK_DEV_URL="$CLERK_DEV_URL" \
      node --test --test-concurrency=1 "${TESTS[@]}"); then
  echo "--- app log (last 40 lines) ---"; tail -40 "$SERVER_LOG"
  [ "$MODE" != production ] || { echo "--- instance log (last 20 lines) ---"; tail -20 "$LOGS/instance.log"; }
  exit 1
fi
