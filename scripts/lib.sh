# Sourced by the scripts in this folder: where caches live and how long each phase takes.
# Every cache lives OUTSIDE the clone, so a second clone (or CI run) on the same machine reuses it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export LCS_CACHE_DIR="${LCS_CACHE_DIR:-$HOME/.cache/leptos-clerk-starter}"
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
