#!/usr/bin/env bash
# check-dev-build.sh [PROJECT_DIR] — plain `cargo leptos serve` (the debug build `cargo leptos
#   watch` makes: no extra features, flags or environment) with no Clerk keys serves the app on
#   the embedded local Clerk dev instance: the server starts, says so, and answers `/` and the
#   dev instance's `/__clerk/v1/environment`. PROJECT_DIR: the project to check (default: this
#   one; scripts/check-template.sh passes a generated one).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DIR="$(cd "${1:-$ROOT}" && pwd)"
cd "$DIR"
command -v cargo-leptos >/dev/null || die "cargo-leptos is missing: run scripts/setup.sh"

WORK="$(mktemp -d)"
port="$(free_port)"
URL="http://127.0.0.1:$port"
LOG="$WORK/serve.log"
SERVE=""
cleanup() {
  # cargo-leptos runs the server as its child: stop the whole process group.
  [ -z "$SERVE" ] || { kill -- "-$SERVE" 2>/dev/null || true; wait "$SERVE" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

# Only the address, the reload port and the dev instance's data folder differ from a plain run,
# and no keys (NO_CLERK_KEYS in lib.sh).
say "cargo leptos serve in $DIR (no Clerk keys)"
env RUSTUP_TOOLCHAIN="$(cat "$WEB_TOOLCHAIN_FILE")" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  LEPTOS_RELOAD_PORT="$(free_port)" "${NO_CLERK_KEYS[@]}" CLERK_DEV_DATA_DIR="$WORK/clerk-dev" \
  setsid cargo leptos serve > "$LOG" 2>&1 &
SERVE=$!
# The build comes first (up to 30 min on a cold target dir), then the server.
wait_for_url "$URL/healthz" "$SERVE" "$LOG" 1800

grep -q "LOCAL CLERK DEV INSTANCE" "$LOG" || { tail -40 "$LOG"; die "the server did not start the local Clerk dev instance"; }
page="$(curl -fsS "$URL/")" || { tail -40 "$LOG"; die "GET / failed"; }
# The page carries the dev instance's publishable key and its Frontend API on this origin.
grep -q 'pk_test_' <<<"$page" || die "GET / has no pk_test_ publishable key of the dev instance"
env_json="$(curl -fsS "$URL/__clerk/v1/environment")" || { tail -40 "$LOG"; die "GET /__clerk/v1/environment failed"; }
python3 -c 'import json,sys; e=json.load(sys.stdin); assert e["object"]=="environment", e' <<<"$env_json" \
  || die "/__clerk/v1/environment is not a Clerk environment: ${env_json:0:300}"
echo "    $URL: / and /__clerk/v1/environment answered by the debug build's dev instance"
