#!/usr/bin/env bash
# Fetch the pinned ClerkJS browser bundles the local Clerk dev instance serves.
#
# Usage: fetch-assets.sh <dest_dir>
# Result: <dest_dir>/clerk-js/dist/... and <dest_dir>/ui/dist/... (what DevInstanceConfig::assets_dir expects).
# Idempotent: does nothing when both dist folders already hold the pinned versions.
# Uses `npm pack` (fetches only the two tarballs, no dependency resolution) and checks each
# tarball against the integrity (sha512) the registry publishes for that exact version.
set -euo pipefail

CLERK_JS_VERSION="6.40.0"
CLERK_UI_VERSION="1.36.0"

dest="${1:?usage: fetch-assets.sh <dest_dir>}"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"

fetch() {
  local pkg="$1" version="$2" target="$3"
  local stamp="$dest/$target/.version"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$pkg@$version" && -d "$dest/$target/dist" ]]; then
    echo "$pkg@$version already present in $dest/$target"
    return
  fi
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  local tarball
  tarball="$(cd "$work" && npm pack --silent "$pkg@$version" | tail -n 1)"
  local expected actual
  expected="$(npm view "$pkg@$version" dist.integrity)"
  actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
  if [[ "$expected" != "$actual" ]]; then
    echo "integrity mismatch for $pkg@$version: expected $expected, got $actual" >&2
    exit 1
  fi
  tar -xzf "$work/$tarball" -C "$work"
  rm -rf "$dest/$target"
  mkdir -p "$dest/$target"
  cp -R "$work/package/dist" "$dest/$target/dist"
  cp "$work/package/LICENSE" "$dest/$target/LICENSE" 2>/dev/null || true
  echo "$pkg@$version" >"$stamp"
  echo "fetched $pkg@$version into $dest/$target (integrity ok)"
}

fetch "@clerk/clerk-js" "$CLERK_JS_VERSION" "clerk-js"
fetch "@clerk/ui" "$CLERK_UI_VERSION" "ui"
