# Sourced by the scripts in this folder: where caches live and how long each phase takes.
# Every cache lives OUTSIDE the clone, so a second clone (or CI run) on the same machine reuses it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# package_name CARGO_TOML: that manifest's package name, also its server binary's and its site
# files' name. APP_NAME: this app's.
package_name() { sed -n 's/^name = "\(.*\)"$/\1/p' "$1" | head -n 1; }
APP_NAME="$(package_name "$ROOT/Cargo.toml")"
export LCS_CACHE_DIR="${LCS_CACHE_DIR:-$HOME/.cache/$APP_NAME}"
# One shared target dir for every build (tests, clippy, cargo-leptos).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$LCS_CACHE_DIR/target}"
export npm_config_cache="${npm_config_cache:-$LCS_CACHE_DIR/npm}"
# Cargo counts a workspace crate as fresh when its sources are older than its last build, WHICHEVER
# clone made that build (the artifacts' names do not depend on the clone's path): after a build
# from another clone, this clone's unchanged crates would be served stale. So the first script run
# in a clone after another clone used the shared target dir marks this clone's sources as changed.
# mark_sources_changed TREE: touches TREE's Rust sources and records TREE as the last tree built
# (scripts/bench-compare.sh builds other commits' trees in the same target dir).
mark_sources_changed() {
  find "$1/src" "$1/crates" "$1/tests" "$1/examples" "$1/build.rs" -name '*.rs' \
    -not -path '*/target/*' -exec touch {} + 2>/dev/null || true
  echo "$1" > "$CARGO_TARGET_DIR/.built-from"
}
mkdir -p "$CARGO_TARGET_DIR"
[ "$(cat "$CARGO_TARGET_DIR/.built-from" 2>/dev/null)" = "$ROOT" ] || mark_sources_changed "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# Which toolchain builds the WASM (written by setup.sh): rustup's stable, or the offline `rust-web`.
WEB_TOOLCHAIN_FILE="$LCS_CACHE_DIR/web-toolchain"
mkdir -p "$LCS_CACHE_DIR"

say() { printf '\n==> %s\n' "$*"; }
# as_root COMMAND...: runs a command as root (directly, or through sudo).
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }
# wrk_summary WRK_OUTPUT: "req/s p50_ms p99_ms errors" of one `wrk --latency` run (the benches).
wrk_summary() {
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$1")
  p50=$(wrk_ms "$(awk '$1 == "50%" {print $2}' "$1")")
  p99=$(wrk_ms "$(awk '$1 == "99%" {print $2}' "$1")")
  bad=$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {
    for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i } END {print n + 0}' "$1")
  echo "$rps $p50 $p99 $bad"
}
# wrk_ms LATENCY: a wrk latency (`512.00us`, `3.2ms`, `1.1s`) in milliseconds.
wrk_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f", n }'
}
# need_command COMMAND PACKAGE: installs the Debian PACKAGE unless COMMAND is on the PATH.
need_command() {
  command -v "$1" >/dev/null && return 0
  say "installing $2"
  as_root apt-get install -y -qq "$2" || { as_root apt-get update -qq && as_root apt-get install -y -qq "$2"; }
}
# fenced FILE...: the files' text as a Markdown code block (the bench reports).
fenced() { echo '```'; cat "$@"; echo '```'; }

# phase NAME COMMAND...: runs a command and prints how long it took.
PHASE_REPORT=()
phase() {
  local name="$1"; shift
  say "$name"
  local start; start=$(date +%s)
  "$@"
  local secs=$(( $(date +%s) - start ))
  PHASE_REPORT+=("$(printf '%-34s %5ss' "$name" "$secs")")
  printf '    (%s: %ss)\n' "$name" "$secs"
}
phase_summary() {
  say "phase times"
  printf '    %s\n' "${PHASE_REPORT[@]}"
}

# web_cargo ARGS...: cargo with the toolchain that can build wasm32 (for cargo-leptos).
web_cargo() {
  [ -f "$WEB_TOOLCHAIN_FILE" ] || die "run scripts/setup.sh first (no $WEB_TOOLCHAIN_FILE)"
  RUSTUP_TOOLCHAIN="$(cat "$WEB_TOOLCHAIN_FILE")" cargo "$@"
}

# The server's cargo features in a release build: Cargo.toml's `bin-features`, comma-separated
# (`ssr` and `oauth`, or only `ssr` in a project generated without the OAuth example).
# bin_features CARGO_TOML: that manifest's `bin-features`, comma-separated.
bin_features() { sed -n 's/^bin-features = \[\([^]]*\)\].*/\1/p' "$1" | tr -d ' "'; }
SERVER_FEATURES="$(bin_features "$ROOT/Cargo.toml")"
# has_server_feature NAME: whether the release build's server has feature NAME.
has_server_feature() { [[ ",$SERVER_FEATURES," == *",$1,"* ]]; }

# The release build in its production configuration: exactly what a plain
# `cargo leptos build --release` makes (build.rs leaves the local Clerk dev instance out of every
# release build). scripts/test.sh, e2e.sh, size-report.sh and scale-test.sh all build and test
# this one.
RELEASE_BUILD=(leptos build --release --precompress)

# What only the local Clerk dev instance puts into a server binary: its source paths (panic
# locations), SQLite's file header, argon2's source paths. dev_instance_markers BIN prints those
# found in BIN, one per line (nothing for a release build; all of them for DEV_INSTANCE_BUILD).
DEV_INSTANCE_MARKERS=('crates/clerk_dev_instance/src' 'SQLite format 3' '/argon2-')
dev_instance_markers() {
  local marker
  for marker in "${DEV_INSTANCE_MARKERS[@]}"; do
    ! grep -qaF -- "$marker" "$1" || echo "$marker"
  done
}

# No Clerk keys, whatever a .env says (the server reads .env without overriding the environment,
# and takes an empty variable for an unset one): `env "${NO_CLERK_KEYS[@]}" …` runs a server on
# the local Clerk dev instance (or, in a release build, into its start-up error).
NO_CLERK_KEYS=(CLERK_PUBLISHABLE_KEY= CLERK_SECRET_KEY= CLERK_FRONTEND_API= CLERK_API_KEY=)

# free_port: prints a free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for_url URL PID LOG [SECONDS]: waits (SECONDS, default 10, at most) until URL answers,
# failing if PID exits.
wait_for_url() {
  for _ in $(seq 1 $(( ${4:-10} * 10 ))); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3"; die "the process behind $1 exited during start-up"; }
    sleep 0.1
  done
  cat "$3"; die "$1 did not answer within ${4:-10} s"
}

# start_clerk_instance LOG PUBLIC_ORIGINS [VAR=value...]: starts the standalone clerk-dev-instance
# (debug build; `cargo build -p clerk_dev_instance --bin clerk-dev-instance`) as a PRODUCTION
# Clerk instance (pk_live_ keys) on a free loopback port, for the app's public origins
# (comma-separated), with the starter's OAuth application registered for their callbacks. Sets
# INSTANCE (pid), CLERK_DEV_URL (its root URL), INSTANCE_DATA_DIR and INSTANCE_ENV (a file of the
# CLERK_* variables it printed for the app).
start_clerk_instance() {
  local log="$1" origins="$2"; shift 2
  local bin="$CARGO_TARGET_DIR/debug/clerk-dev-instance"
  [ -x "$bin" ] || die "$bin is missing: run 'cargo build -p clerk_dev_instance --bin clerk-dev-instance'"
  local port; port="$(free_port)"
  local callbacks; callbacks="$(echo "$origins" | tr ',' '\n' | sed 's|$|/auth/clerk/callback|' | paste -sd,)"
  INSTANCE_DATA_DIR="$(mktemp -d)"
  env CLERK_DEV_INSTANCE_ADDR="127.0.0.1:$port" CLERK_DEV_INSTANCE_ENVIRONMENT=production \
    CLERK_DEV_APP_ORIGINS="$origins" CLERK_DEV_DATA_DIR="$INSTANCE_DATA_DIR" \
    CLERK_DEV_ASSETS_DIR="$ROOT/.clerk-dev/assets" \
    CLERK_DEV_OAUTH_CLIENT_ID="$APP_NAME-demo" CLERK_DEV_OAUTH_REDIRECT_URIS="$callbacks" \
    CLERK_DEV_TOKEN_LIFETIME_SECS="${CLERK_DEV_TOKEN_LIFETIME_SECS:-60}" RUST_LOG="${RUST_LOG:-info}" \
    "$@" "$bin" > "$log" 2>&1 &
  INSTANCE=$!
  CLERK_DEV_URL="http://127.0.0.1:$port"
  wait_for_url "$CLERK_DEV_URL/v1/jwks" "$INSTANCE" "$log"
  INSTANCE_ENV="$INSTANCE_DATA_DIR/app.env"
  grep -E '^CLERK_[A-Z_]+=' "$log" > "$INSTANCE_ENV"
  echo "    Clerk (dev instance, production keys) on $CLERK_DEV_URL (log: $log)"
}

# start_app LOG PORT PUBLIC_ORIGINS [VAR=value...]: starts the release server on 127.0.0.1:PORT in
# its production configuration (pk_live_ keys and the Backend API of INSTANCE_ENV, the Frontend
# API proxy at /__clerk, CLERK_AUTHORIZED_PARTIES = the public origins, "Sign in with Clerk"), waits
# until it answers, sets APP_PID and appends it to APP_PIDS. SESSION_SECRET is shared by every app started.
APP_PIDS=()
start_app() {
  local log="$1" port="$2" origins="$3"; shift 3
  local bin="$CARGO_TARGET_DIR/release/$APP_NAME"
  [ -x "$bin" ] || die "$bin is missing: run 'cargo ${RELEASE_BUILD[*]}' first (scripts/scale-test.sh does)"
  [ -f "$INSTANCE_ENV" ] || die "start_clerk_instance first"
  APP_SESSION_SECRET="${APP_SESSION_SECRET:-$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 48)}"
  # shellcheck disable=SC2046 # one NAME=value word per line of INSTANCE_ENV
  env LEPTOS_SITE_ROOT="$ROOT/target/site" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
    LEPTOS_OUTPUT_NAME="$APP_NAME" LEPTOS_SITE_PKG_DIR=pkg LEPTOS_HASH_FILES=true \
    LEPTOS_ENV=PROD RUST_LOG="${RUST_LOG:-info}" \
    $(cat "$INSTANCE_ENV") CLERK_AUTHORIZED_PARTIES="$origins" SESSION_SECRET="$APP_SESSION_SECRET" \
    CLERK_OAUTH_SCOPES="openid profile email public_metadata" \
    "$@" "$bin" > "$log" 2>&1 &
  APP_PID=$!
  APP_PIDS+=("$APP_PID")
  wait_for_url "http://127.0.0.1:$port/healthz" "$APP_PID" "$log"
}

# The production build plus the embedded local Clerk dev instance, opted into twice: at build time
# (the feature `dev-instance-in-release`, see build.rs) and at start-up
# (CLERK_DEV_INSTANCE_ALLOW_RELEASE=1). The browser tests' second configuration, and
# scripts/size-report.sh.
DEV_INSTANCE_BUILD=(leptos build --release --precompress --bin-features "$SERVER_FEATURES,dev-instance-in-release")

# start_dev_instance_server LOGDIR [VAR=value...]: the release build of
# DEV_INSTANCE_BUILD on a free loopback port against a fresh embedded Clerk dev instance (empty Clerk keys
# win over any in .env). Sets SERVER_URL, CLERK_DEV_URL and SERVER_LOG; stop it with stop_server.
start_dev_instance_server() {
  local dir="$1"; shift; mkdir -p "$dir"
  local bin="$CARGO_TARGET_DIR/release/$APP_NAME"
  [ -x "$bin" ] || die "$bin is missing: run 'cargo ${DEV_INSTANCE_BUILD[*]}' first (scripts/test.sh does)"
  local port; port="$(free_port)"
  SERVER_URL="http://127.0.0.1:$port"
  CLERK_DEV_URL="$SERVER_URL/__clerk"
  SERVER_LOG="$dir/app.log"
  INSTANCE_DATA_DIR="$(mktemp -d)"
  env LEPTOS_SITE_ROOT="$ROOT/target/site" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
    LEPTOS_OUTPUT_NAME="$APP_NAME" LEPTOS_SITE_PKG_DIR=pkg LEPTOS_HASH_FILES=true LEPTOS_ENV=PROD \
    RUST_LOG="${RUST_LOG:-info}" "${NO_CLERK_KEYS[@]}" \
    CLERK_DEV_DATA_DIR="$INSTANCE_DATA_DIR" CLERK_DEV_ASSETS_DIR="$ROOT/.clerk-dev/assets" \
    CLERK_DEV_INSTANCE_ALLOW_RELEASE=1 CLERK_DEV_TOKEN_LIFETIME_SECS="${CLERK_DEV_TOKEN_LIFETIME_SECS:-60}" \
    "$@" "$bin" > "$SERVER_LOG" 2>&1 &
  APP_PID=$!
  APP_PIDS+=("$APP_PID")
  wait_for_url "$SERVER_URL/healthz" "$APP_PID" "$SERVER_LOG"
  echo "    server (release build with the dev instance) on $SERVER_URL (log: $SERVER_LOG)"
}

# stop_server: stops every app and the instance started above.
stop_server() {
  local pid
  for pid in "${APP_PIDS[@]}" ${INSTANCE:-}; do kill "$pid" 2>/dev/null || true; done
  for pid in "${APP_PIDS[@]}" ${INSTANCE:-}; do wait "$pid" 2>/dev/null || true; done
  [ -z "${INSTANCE_DATA_DIR:-}" ] || rm -rf "$INSTANCE_DATA_DIR"
}
