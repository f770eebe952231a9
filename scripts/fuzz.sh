#!/usr/bin/env bash
# fuzz.sh [SECONDS] — runs every cargo-fuzz target of crates/leptos_clerk/fuzz (its own
#   workspace) on the nightly toolchain, SECONDS (default 600) split evenly between the targets,
#   then prints per target the executions/s, the corpus size and the crashes. Exits non-zero when
#   a target crashed (the input is kept in crates/leptos_clerk/fuzz/artifacts/<target>/; replay it
#   with `cargo +nightly fuzz run <target> <file>`). Not part of CI.
#   Installs cargo-fuzz (`cargo +nightly install cargo-fuzz --locked`) when it is missing.
#   Corpora grow in crates/leptos_clerk/fuzz/corpus/<target>/ (gitignored), seeded from
#   fuzz/seeds/<target>/.
# Knobs (environment): FUZZ_TOOLCHAIN (default nightly), FUZZ_TARGETS (default: every target),
#   FUZZ_TARGET_DIR (default "$CARGO_TARGET_DIR-fuzz": sanitizer builds never share the normal
#   target dir).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOTAL_SECS="${1:-600}"
[[ "$TOTAL_SECS" =~ ^[0-9]+$ ]] || die "usage: scripts/fuzz.sh [SECONDS]"
TOOLCHAIN="${FUZZ_TOOLCHAIN:-nightly}"
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$CARGO_TARGET_DIR-fuzz}"
FUZZ_DIR="$ROOT/crates/leptos_clerk/fuzz"
cd "$FUZZ_DIR"

if ! cargo "+$TOOLCHAIN" fuzz --version >/dev/null 2>&1; then
  phase "install cargo-fuzz" cargo "+$TOOLCHAIN" install cargo-fuzz --locked
fi
read -r -a TARGETS <<<"${FUZZ_TARGETS:-$(cargo "+$TOOLCHAIN" fuzz list | tr '\n' ' ')}"
[ "${#TARGETS[@]}" -gt 0 ] || die "no fuzz targets found in $FUZZ_DIR"
PER_TARGET=$(( TOTAL_SECS / ${#TARGETS[@]} ))
[ "$PER_TARGET" -ge 1 ] || PER_TARGET=1

# Debug assertions on: an integer overflow is a finding too.
phase "build ${#TARGETS[@]} fuzz targets (nightly, ASan)" \
  cargo "+$TOOLCHAIN" fuzz build --debug-assertions

count_files() { find "$1" -type f 2>/dev/null | wc -l | tr -d ' '; }
stat_of() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

ROW='%-18s %6s %12s %8s %14s %11s %8s'
ROWS=()
FAILED=0
for target in "${TARGETS[@]}"; do
  corpus="corpus/$target"
  artifacts="artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  seeds=()
  [ -d "seeds/$target" ] && seeds=("seeds/$target")
  crashes_before=$(count_files "$artifacts")
  log="$(mktemp)"
  say "fuzzing $target for ${PER_TARGET}s"
  rc=0
  cargo "+$TOOLCHAIN" fuzz run --debug-assertions "$target" "$corpus" "${seeds[@]}" -- \
    -max_total_time="$PER_TARGET" -print_final_stats=1 >"$log" 2>&1 || rc=$?
  runs=$(stat_of number_of_executed_units "$log")
  per_sec=$(stat_of average_exec_per_sec "$log")
  crashes=$(( $(count_files "$artifacts") - crashes_before ))
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    FAILED=1
    [ "$crashes" -gt 0 ] || crashes="exit $rc"
    tail -40 "$log" >&2
  fi
  ROWS+=("$(printf "$ROW" "$target" "${PER_TARGET}s" "${runs:-?}" "${per_sec:-?}" \
    "$(count_files "$corpus")" "$(du -sk "$corpus" | cut -f1)" "$crashes")")
  rm -f "$log"
done

say "fuzzing summary (${TOTAL_SECS}s in total)"
printf "    $ROW\n" target time executions "execs/s" "corpus inputs" "corpus KiB" crashes
printf '    %s\n' "${ROWS[@]}"
phase_summary
[ "$FAILED" -eq 0 ] || die "a fuzz target crashed: see crates/leptos_clerk/fuzz/artifacts/"
