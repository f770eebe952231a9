#!/usr/bin/env bash
# e2e.sh [production|dev-instance|debug] [TEST FILES...] — runs the browser tests (end2end/) in one
# of three configurations, two of them RELEASE builds (only a release build runs wasm-opt, where a
# broken optimiser shows up as a page that never hydrates):
#   production   (default) the production build (RELEASE_BUILD in lib.sh) run as in production:
#                pk_live_/sk_live_ keys, CLERK_AUTHORIZED_PARTIES, SESSION_SECRET, ClerkJS through
#                the app's Frontend API proxy, in front of the standalone `clerk-dev-instance`
#                playing a production Clerk (a separate process);
#   dev-instance the release build with the embedded local Clerk dev instance
#                (DEV_INSTANCE_BUILD): no keys, a development instance;
#   debug        plain `cargo leptos end-to-end`: the debug build `cargo leptos watch` runs, on
#                the embedded dev instance (no keys), built and served by cargo-leptos itself.
# Build the release builds first (scripts/test.sh does). Starts the servers on free loopback
# ports, runs `node --test`, stops them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

MODE="${1:-production}"; shift || true
TESTS=("${@:-tests/}")
[ -d end2end/node_modules/playwright-core ] || (cd end2end && npm ci --no-audit --no-fund >/dev/null)
LOGS="$LCS_CACHE_DIR/e2e-logs/$MODE"
mkdir -p "$LOGS"
trap stop_server EXIT

if [ "$MODE" = debug ]; then
  [ "${#TESTS[@]}" = 1 ] && [ "${TESTS[0]}" = tests/ ] || die "debug runs the whole suite (Cargo.toml's end2end-cmd)"
  # Only the address, the reload port and the dev instance's data folder differ from a plain run,
  # and no keys. end2end/lib/browser.mjs reads LEPTOS_SITE_ADDR.
  exec env LEPTOS_SITE_ADDR="127.0.0.1:$(free_port)" LEPTOS_RELOAD_PORT="$(free_port)" \
    "${NO_CLERK_KEYS[@]}" CLERK_DEV_DATA_DIR="$(mktemp -d)" RUSTUP_TOOLCHAIN="$(cat "$WEB_TOOLCHAIN_FILE")" \
    cargo leptos end-to-end
fi

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
  *) die "unknown configuration '$MODE': production, dev-instance or debug" ;;
esac

if ! (cd end2end && BASE_URL="$SERVER_URL" CLERK_DEV_URL="$CLERK_DEV_URL" \
      node --test --test-concurrency=1 "${TESTS[@]}"); then
  echo "--- app log (last 40 lines) ---"; tail -40 "$SERVER_LOG"
  [ "$MODE" != production ] || { echo "--- instance log (last 20 lines) ---"; tail -20 "$LOGS/instance.log"; }
  exit 1
fi
