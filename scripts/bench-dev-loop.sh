#!/usr/bin/env bash
# bench-dev-loop.sh [NAME[:VAR=value,...] ...] — the dev-loop timer: for each configuration, runs
# plain `cargo leptos watch` (as scripts/dev.sh does) with the configuration's environment, waits
# for the first build, then edits the <h1> of src/routes/home.rs DEV_LOOP_RUNS times (default 3)
# and measures until the server's HTML shows the edit and until the live-reloaded page in Chromium
# does (end2end/dev-loop.mjs). Writes target/dev-loop-report.md (median, min, max per
# configuration) and prints it. Minutes per configuration (a configuration that changes compiler
# settings first rebuilds everything once); not part of scripts/test.sh.
#
# Default configurations: `watch` (plain, Cargo.toml's `[profile.dev]` as it is) and
# `debuginfo:CARGO_PROFILE_DEV_DEBUG=2` (full debug info, Cargo's own default).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

[ $# -gt 0 ] || set -- "watch" "debuginfo:CARGO_PROFILE_DEV_DEBUG=2"
ROUTE="$ROOT/src/routes/home.rs"
git diff --quiet -- "$ROUTE" || die "$ROUTE has uncommitted changes: the timer edits and restores it"
# The timer restores the committed file: a timer edit that was committed would stay for good.
! grep -q 'dev-loop edit' "$ROUTE" || die "$ROUTE has a committed dev-loop edit: restore its <h1> first"
[ -d end2end/node_modules/playwright-core ] || (cd end2end && npm ci --no-audit --no-fund >/dev/null)
REPORT="$ROOT/target/dev-loop-report.md"
LOGS="$LCS_CACHE_DIR/dev-loop-logs"; mkdir -p "$LOGS"
ROWS=()
WATCH=""
cleanup() {
  [ -z "$WATCH" ] || kill -- "-$WATCH" 2>/dev/null || true
  git checkout -q -- "$ROUTE"
}
trap cleanup EXIT

for config in "$@"; do
  name="${config%%:*}"; vars=()
  [ "$config" = "$name" ] || IFS=',' read -r -a vars <<< "${config#*:}"
  port="$(free_port)"; reload="$(free_port)"
  say "$name: cargo leptos watch ${vars[*]:-} (first build: minutes when the settings are new)"
  log="$LOGS/$name.log"
  START=$(date +%s)
  setsid env LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_RELOAD_PORT="$reload" \
    RUSTUP_TOOLCHAIN="$(cat "$WEB_TOOLCHAIN_FILE")" "${vars[@]}" cargo leptos watch > "$log" 2>&1 &
  WATCH=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; do
    kill -0 "$WATCH" 2>/dev/null || { tail -30 "$log"; die "cargo leptos watch exited"; }
    # A failed build can leave an older server binary answering: that is not the dev loop.
    ! grep -q '^error' "$log" || { grep -A12 '^error' "$log" | head -40; die "the first build failed"; }
    sleep 2
  done
  echo "    first build and start: $(( $(date +%s) - START )) s"
  result="$(cd end2end && BASE_URL="http://127.0.0.1:$port" DEV_LOOP_FILE="$ROUTE" node dev-loop.mjs)"
  kill -- "-$WATCH" 2>/dev/null || true; wait "$WATCH" 2>/dev/null || true; WATCH=""
  ROWS+=("$(python3 - "$name" "${vars[*]:-}" "$result" <<'PY'
import json, statistics, sys
name, env, data = sys.argv[1], sys.argv[2] or "—", json.loads(sys.argv[3])
cell = lambda ms: f"{statistics.median(ms) / 1000:.1f} ({min(ms) / 1000:.1f}–{max(ms) / 1000:.1f})"
print(f"| {name} | `{env}` | {cell(data['server_ms'])} | {cell(data['browser_ms'])} | {len(data['server_ms'])} |")
PY
)")
done

{
  echo "# Dev loop ($(git rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
  echo
  echo "Edit of src/routes/home.rs until the new HTML is served / the live-reloaded page shows it;"
  echo "seconds, median (min–max)."
  echo
  echo "| configuration | environment | server s | browser s | edits |"
  echo "|---|---|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
} > "$REPORT"
cat "$REPORT"
