# Sourced by the scripts in this folder: where caches live and how long each phase takes.
# Every cache lives OUTSIDE the clone, so a second clone (or CI run) on the same machine reuses it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The app's package name (Cargo.toml): also its server binary's and its site files' name.
APP_NAME="$(sed -n 's/^name = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1)"
export LCS_CACHE_DIR="${LCS_CACHE_DIR:-$HOME/.cache/$APP_NAME}"
# One shared target dir for every build (tests, clippy, cargo-leptos).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$LCS_CACHE_DIR/target}"
export npm_config_cache="${npm_config_cache:-$LCS_CACHE_DIR/npm}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# Which toolchain builds the WASM (written by setup.sh): rustup's stable, or the offline `rust-web`.
WEB_TOOLCHAIN_FILE="$LCS_CACHE_DIR/web-toolchain"
mkdir -p "$LCS_CACHE_DIR"

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

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

# start_release_server LOG [VAR=value...]: starts the release server on a free loopback port
# against a fresh local Clerk dev instance (empty Clerk keys win over any in .env), waits until it
# answers and sets SERVER (its pid), SERVER_URL and SERVER_DATA_DIR; stop it with stop_server.
# The release binary refuses the dev instance unless told (CLERK_DEV_INSTANCE_ALLOW_RELEASE=1).
start_release_server() {
  local log="$1"; shift
  local bin="$CARGO_TARGET_DIR/release/$APP_NAME"
  [ -x "$bin" ] || die "$bin is missing: run 'cargo leptos build --release --precompress' first (scripts/test.sh does)"
  local port="${E2E_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
  SERVER_DATA_DIR="$(mktemp -d)"
  env LEPTOS_SITE_ROOT="$ROOT/target/site" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_OUTPUT_NAME="$APP_NAME" \
    LEPTOS_SITE_PKG_DIR=pkg LEPTOS_HASH_FILES=true LEPTOS_ENV=PROD RUST_LOG="${RUST_LOG:-info}" \
    CLERK_PUBLISHABLE_KEY= CLERK_SECRET_KEY= CLERK_FRONTEND_API= CLERK_API_KEY= \
    CLERK_DEV_DATA_DIR="$SERVER_DATA_DIR" CLERK_DEV_ASSETS_DIR="$ROOT/.clerk-dev/assets" \
    CLERK_DEV_INSTANCE_ALLOW_RELEASE=1 CLERK_DEV_TOKEN_LIFETIME_SECS="${CLERK_DEV_TOKEN_LIFETIME_SECS:-60}" \
    "$@" "$bin" > "$log" 2>&1 &
  SERVER=$!
  SERVER_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$SERVER_URL/" 2>/dev/null && break
    kill -0 $SERVER 2>/dev/null || { cat "$log"; die "the server exited during start-up"; }
    sleep 0.1
  done
  echo "    server on $SERVER_URL (log: $log)"
}

# stop_server: stops what start_release_server started.
stop_server() {
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  rm -rf "$SERVER_DATA_DIR"
}
