#!/usr/bin/env bash
# setup.sh — installs everything the app and its tests need. Idempotent: a second run takes
# seconds. Caches live outside the clone (see lib.sh). Called by dev.sh and test.sh.
#
#  1. a Rust toolchain that builds wasm32-unknown-unknown, cargo-leptos (no_downloads),
#     wasm-bindgen-cli (the version Cargo.lock pins) and wasm-opt (npm binaryen 132):
#     - normal path: rustup's stable (>= 1.96) + `rustup target add wasm32-unknown-unknown`;
#     - offline fallback (machines that reach only package registries): scripts/toolchain/
#       install-wasm-toolchain.sh builds a `rust-web` toolchain from Debian's rustc packages.
#  2. Chromium for the browser tests (Debian package; WITH_BROWSER=0 skips it).
#  3. npm packages of end2end/ (playwright-core, no browser download).
#  4. the pinned ClerkJS + @clerk/ui browser bundles the local Clerk dev instance serves
#     (`npm pack`, integrity-checked), into .clerk-dev/assets/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CARGO_LEPTOS_VERSION=0.3.11
BINARYEN_NPM_VERSION=132.0.0
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' "$ROOT/Cargo.lock")"
[ -n "$WB_VERSION" ] || die "Cargo.lock does not pin wasm-bindgen"

rustc_minor() { rustc "+$1" --version 2>/dev/null | awk '{split($2, v, "."); print v[2]}'; }

normal_path() {
  local minor; minor="$(rustc_minor stable)"
  [ -n "$minor" ] && [ "$minor" -ge 96 ] || return 1
  rustup target list --installed --toolchain stable 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || rustup target add --toolchain stable wasm32-unknown-unknown >/dev/null 2>&1 || return 1
  local bin="${CARGO_HOME:-$HOME/.cargo}/bin"
  [ "$("$bin/cargo-leptos" --version 2>/dev/null)" = "cargo-leptos $CARGO_LEPTOS_VERSION" ] \
    || cargo +stable install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  [ "$("$bin/wasm-bindgen" --version 2>/dev/null)" = "wasm-bindgen $WB_VERSION" ] \
    || cargo +stable install wasm-bindgen-cli --version "$WB_VERSION" --locked
  local binaryen="$LCS_CACHE_DIR/binaryen"
  if ! "$binaryen/node_modules/.bin/wasm-opt" --version >/dev/null 2>&1; then
    mkdir -p "$binaryen"
    [ -f "$binaryen/package.json" ] || echo '{ "private": true }' > "$binaryen/package.json"
    (cd "$binaryen" && npm install --no-audit --no-fund --save-exact "binaryen@$BINARYEN_NPM_VERSION" >/dev/null)
  fi
  ln -sfn "$binaryen/node_modules/binaryen/bin/wasm-opt" "$bin/wasm-opt"
  echo stable > "$WEB_TOOLCHAIN_FILE"
}

install_toolchain() {
  if normal_path; then
    echo "    using rustup stable with the wasm32 target"
    return
  fi
  echo "    rustup cannot provide a wasm32 target on rustc >= 1.96 here: using the offline fallback"
  as_root env WITH_CHROMIUM="${WITH_BROWSER:-1}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" \
    bash "$ROOT/scripts/toolchain/install-wasm-toolchain.sh" "$ROOT"
  echo rust-web > "$WEB_TOOLCHAIN_FILE"
}

install_browser() {
  if [ "${WITH_BROWSER:-1}" = 0 ] || [ -x /usr/bin/chromium ]; then return; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
}

install_npm_packages() {
  local dir="$ROOT/end2end"
  # npm ci when the lockfile changed since the last install.
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || \
     ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.lcs-installed-lock"; then
    (cd "$dir" && npm ci --no-audit --no-fund >/dev/null)
    cp "$dir/package-lock.json" "$dir/node_modules/.lcs-installed-lock"
  fi
  echo "    end2end: $(cd "$dir" && node -e 'console.log("playwright-core " + require("playwright-core/package.json").version)')"
}

install_clerk_bundles() {
  bash "$ROOT/crates/clerk_dev_instance/fetch-assets.sh" "$ROOT/.clerk-dev/assets" 2>&1 \
    | grep -v 'Unknown user config' | sed 's/^/    /'
}

phase "setup: wasm toolchain" install_toolchain
phase "setup: chromium" install_browser
phase "setup: npm packages" install_npm_packages
phase "setup: ClerkJS bundles" install_clerk_bundles
echo "    toolchain for cargo-leptos: $(cat "$WEB_TOOLCHAIN_FILE"); target dir of the scripts: $CARGO_TARGET_DIR"
if [ "$(cat "$WEB_TOOLCHAIN_FILE")" = stable ]; then run="cargo leptos watch"; else run="cargo +$(cat "$WEB_TOOLCHAIN_FILE") leptos watch"; fi
echo "    run the app: $run (or scripts/dev.sh)"
