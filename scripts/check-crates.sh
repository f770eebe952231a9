#!/usr/bin/env bash
# check-crates.sh — the two library crates as a registry would receive them (part of test.sh):
#   - `cargo package --list`: the files each crate ships (printed with their count); no build
#     output, no browser-test harness, no dotfiles beyond Cargo's own;
#   - `cargo package`: packs each crate and builds the packed copy alone, with its default
#     features, against the registry's index (no network beyond the registry);
#   - `cargo doc --no-deps` with the features docs.rs documents it with
#     (`[package.metadata.docs.rs]` in its Cargo.toml), warnings as errors.
# Nothing is published: that stays a maintainer's deliberate `cargo publish`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

CRATES=(leptos_clerk clerk_dev_instance)

for crate in "${CRATES[@]}"; do
  say "$crate: cargo package --list"
  # --allow-dirty: a developer's uncommitted work is packed as it is (CI's clone is clean).
  files=$(cargo package --list --allow-dirty -p "$crate")
  count=$(printf '%s\n' "$files" | wc -l)
  printf '%s\n' "$files" | sed 's/^/    /'
  echo "    ($count files)"
  for required in Cargo.toml README.md CHANGELOG.md LICENSE src/lib.rs; do
    printf '%s\n' "$files" | grep -qx "$required" || die "$crate: the package lacks $required"
  done
  unwanted=$(printf '%s\n' "$files" | grep -E '^(target|e2e|fuzz|node_modules)/|\.clerk-dev' || true)
  [ -z "$unwanted" ] ||
    die "$crate: the package would ship build output or a test harness: $(head -n 3 <<<"$unwanted" | tr '\n' ' ')"
done

for crate in "${CRATES[@]}"; do
  say "$crate: cargo package (pack, then build the packed copy)"
  cargo package --allow-dirty -p "$crate"
done

# docs_features CRATE: the features of [package.metadata.docs.rs], comma-separated (may be none).
docs_features() {
  sed -n 's/^features = \[\(.*\)\]$/\1/p' "$ROOT/crates/$1/Cargo.toml" | tr -d '" '
}

for crate in "${CRATES[@]}"; do
  features="$(docs_features "$crate")"
  say "$crate: cargo doc --no-deps --features '$features' (warnings are errors)"
  RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p "$crate" ${features:+--features "$features"}
done
