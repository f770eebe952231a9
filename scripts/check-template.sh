#!/usr/bin/env bash
# check-template.sh — this repository as a template: `cargo leptos new` makes a project named
#   acme-notes from the COMMITTED files (a clone of HEAD): with every option at its default,
#   without the OAuth example, and with every option off (cargo-generate.toml). Each project must
#   be free of the template's name and of Liquid markers, formatted, and compile both halves
#   without a warning: the server with its tests and examples (clippy -D warnings, with its
#   Cargo.toml's `bin-features`) and the browser library (wasm32, `hydrate`). The project with
#   the defaults is also run as a new user runs it: plain `cargo leptos serve` with no keys serves
#   it on the local Clerk dev instance (scripts/check-dev-build.sh), and plain
#   `cargo leptos build --release` has no dev instance in it (scripts/check-release-binary.sh).
#   Both share this checkout's CARGO_TARGET_DIR, so dependencies are not rebuilt.
#   Options: --working-tree generates from the working tree (uncommitted changes included);
#   --keep leaves the projects in the printed directory.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

FROM=head KEEP=0
for arg in "$@"; do
  case "$arg" in
    --working-tree) FROM=working-tree ;;
    --keep) KEEP=1 ;;
    *) die "unknown option $arg (use --working-tree, --keep)" ;;
  esac
done
command -v cargo-leptos >/dev/null || die "cargo-leptos is missing: run scripts/setup.sh"
[ -f "$WEB_TOOLCHAIN_FILE" ] || die "run scripts/setup.sh first (no $WEB_TOOLCHAIN_FILE)"

WORK="$(mktemp -d)"
if [ "$KEEP" = 1 ]; then echo "    projects in $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi
if [ "$FROM" = head ]; then
  git clone --quiet --no-hardlinks "$ROOT" "$WORK/template"
  TEMPLATE="$WORK/template"
else
  TEMPLATE="$ROOT"
fi
NAME=acme-notes
TRACE='leptos-clerk-starter|leptos_clerk_starter'

# traces DIR [GREP_OPTION...]: the files of DIR that name the template, except the `repository`
# line of a library crate's Cargo.toml (crates/*/: where that crate is maintained, which stays
# true in a generated project).
traces() {
  local dir="$1"; shift
  { grep -rIE "$TRACE" "$dir" "$@" || true; } |
    { grep -vE "^$dir/crates/[a-z_]+/Cargo\.toml:repository = \"https://" || true; } |
    cut -d: -f1 | sort -u
}

# generate VARIANT [VAR=value...]: cargo leptos new into $WORK/VARIANT/$NAME, options from the
# environment (cargo-leptos passes no --define to cargo-generate).
generate() {
  local variant="$1"; shift
  mkdir -p "$WORK/$variant"
  (cd "$WORK/$variant" && env "$@" cargo leptos new --path "$TEMPLATE" --name "$NAME" > "$WORK/$variant.log" 2>&1) \
    || { cat "$WORK/$variant.log"; die "cargo leptos new failed ($variant)"; }
}

# check VARIANT: no trace of the template's name; both halves compile.
check() {
  local dir="$WORK/$1/$NAME"
  [ -f "$dir/Cargo.toml" ] || die "$1: no project in $dir"
  for gone in cargo-generate.toml .template scripts/check-template.sh; do
    [ ! -e "$dir/$gone" ] || die "$1: $gone was copied into the project"
  done
  local left
  # Cargo.lock still names the old package until the first cargo command rewrites it (below).
  left="$(traces "$dir" --exclude=Cargo.lock)"
  [ -z "$left" ] || die "$1: the template's name is left in: $left"
  left="$(grep -rIlE '\{%|\{\{nl\}\}|\{\{project-name\}\}|\{\{crate_name\}\}' "$dir" || true)"
  [ -z "$left" ] || die "$1: Liquid markers are left in: $left"
  # A cut must not leave an empty comment line (`#`) or a blank line at the end of a file.
  left="$(grep -n '^#$' "$dir/.env.example" || true)"
  [ -z "$left" ] || die "$1: .env.example has an empty comment line a cut left: $left"
  [ -n "$(tail -n 1 "$dir/.env.example")" ] || die "$1: .env.example ends with a blank line"
  (cd "$dir" && cargo fmt --all --check)
  local features
  features="$(bin_features "$dir/Cargo.toml")"
  [ -n "$features" ] || die "$1: no bin-features in Cargo.toml"
  (cd "$dir" && cargo clippy --quiet -p "$NAME" --all-targets --features "$features" -- -D warnings)
  # As `cargo leptos watch` compiles it (debug builds: --cfg erase_components, which changes the
  # types views and routes have; a route fragment once compiled only without it).
  # No warning either (the wasm toolchain has no clippy; RUSTFLAGS=-Dwarnings would rebuild every
  # dependency): cargo prints the project's warnings, which fail the check.
  (cd "$dir" && RUSTFLAGS="--cfg erase_components" web_cargo check --quiet -p "$NAME" --lib \
    --no-default-features --features hydrate --target wasm32-unknown-unknown) 2>&1 | tee "$WORK/$1-wasm.log"
  ! grep -q '^warning' "$WORK/$1-wasm.log" || die "$1: the browser library compiles with warnings"
  left="$(traces "$dir")"
  [ -z "$left" ] || die "$1: the template's name is left in: $left"
}

phase "template: generate (defaults)" generate default
phase "template: check (defaults)" check default
[ -d "$WORK/default/$NAME/src/routes/demo" ] || die "defaults: the demo pages are missing"
# As a new user runs it: plain `cargo leptos serve` (debug) with no keys is on the dev instance;
# plain `cargo leptos build --release` leaves it out.
phase "template: plain cargo leptos serve, no keys (defaults)" \
  bash "$ROOT/scripts/check-dev-build.sh" "$WORK/default/$NAME"
release_build() { (cd "$1" && web_cargo leptos build --release); }
phase "template: plain cargo leptos build --release (defaults)" release_build "$WORK/default/$NAME"
phase "template: release binary (defaults)" bash "$ROOT/scripts/check-release-binary.sh" "$WORK/default/$NAME"
grep -q '^oauth = ' "$WORK/default/$NAME/Cargo.toml" || die "defaults: the oauth feature is missing"
phase "template: generate (no OAuth)" generate no-oauth CARGO_GENERATE_VALUE_OAUTH=false
phase "template: check (no OAuth)" check no-oauth
for gone in src/server/oauth.rs src/server/oauth_off.rs src/user.rs src/routes/demo/oauth_demo.rs \
  tests/oauth_app.rs end2end/tests/oauth.test.mjs; do
  [ ! -e "$WORK/no-oauth/$NAME/$gone" ] || die "oauth=false: $gone is still there"
done
left="$(grep -rIilE 'oauth' "$WORK/no-oauth/$NAME/src" "$WORK/no-oauth/$NAME/Cargo.toml" || true)"
[ -z "$left" ] || die "oauth=false: OAuth is still named in: $left"
# Nothing builds with a feature the project no longer has (scripts, Dockerfile, docs).
left="$(grep -rIl 'ssr,oauth' "$WORK/no-oauth/$NAME" --exclude-dir=crates --exclude-dir=target || true)"
[ -z "$left" ] || die "oauth=false: the feature list ssr,oauth is still in: $left"
[ -d "$WORK/no-oauth/$NAME/src/routes/demo" ] || die "oauth=false: the demo pages are missing"
phase "template: generate (options off)" generate off CARGO_GENERATE_VALUE_DEMO=false \
  CARGO_GENERATE_VALUE_OAUTH=false
phase "template: check (options off)" check off
[ ! -e "$WORK/off/$NAME/src/routes/demo" ] || die "demo=false: src/routes/demo/ is still there"
phase_summary
