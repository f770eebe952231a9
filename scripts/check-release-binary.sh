#!/usr/bin/env bash
# check-release-binary.sh [--control] [PROJECT_DIR] — the server binary of the last release build
#   (target/release/<package>) as a deployment gets it from `cargo leptos build --release`: none
#   of the local Clerk dev instance is in it (DEV_INSTANCE_MARKERS in lib.sh: its source paths,
#   SQLite, argon2), and started with no Clerk keys it exits non-zero within 10 s, naming both
#   variables. --control checks the opposite on the build that opted in (DEV_INSTANCE_BUILD):
#   every marker is there — proof that the check can fail. scripts/test.sh runs both.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CONTROL=0
[ "${1:-}" != --control ] || { CONTROL=1; shift; }
DIR="$(cd "${1:-$ROOT}" && pwd)"
bin="$CARGO_TARGET_DIR/release/$(package_name "$DIR/Cargo.toml")"
[ -x "$bin" ] || die "$bin is missing: run 'cargo leptos build --release' in $DIR first"

found="$(dev_instance_markers "$bin")"
if [ "$CONTROL" = 1 ]; then
  [ "$(grep -c . <<<"$found")" = "${#DEV_INSTANCE_MARKERS[@]}" ] \
    || die "control failed: $bin should have the dev instance in it (found only: ${found:-nothing}); the markers in lib.sh no longer match what it builds in"
  echo "    control: the build with dev-instance-in-release has every marker (${#DEV_INSTANCE_MARKERS[@]})"
  exit 0
fi
[ -z "$found" ] || die "the release build has the local Clerk dev instance in it ($bin): $(paste -sd, <<<"$found")"
echo "    $bin: none of ${DEV_INSTANCE_MARKERS[*]}"

# Started as a deployment would start it, but with no keys.
log="$(mktemp)"; trap 'rm -f "$log"' EXIT
status=0
(cd "$DIR" && timeout 10 env LEPTOS_SITE_ADDR="127.0.0.1:$(free_port)" "${NO_CLERK_KEYS[@]}" \
  "$bin") > "$log" 2>&1 || status=$?
[ "$status" != 0 ] || { cat "$log"; die "the release binary started without Clerk keys"; }
[ "$status" != 124 ] || { cat "$log"; die "the release binary without Clerk keys did not stop within 10 s"; }
for var in CLERK_PUBLISHABLE_KEY CLERK_SECRET_KEY; do
  grep -q "ERROR.*$var" "$log" || { cat "$log"; die "the start-up error does not name $var"; }
done
! grep -q "LOCAL CLERK DEV INSTANCE" "$log" || die "the release binary started a dev instance"
echo "    without keys it stops (exit $status): $(sed "s/\x1b\[[0-9;]*m//g" "$log" | grep -m1 -o "ERROR.*" | cut -c1-150)…"
