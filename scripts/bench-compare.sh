#!/usr/bin/env bash
# bench-compare.sh [REV ...] — the signed-in page of two or more builds, side by side in one run
#   (`scripts/bench.sh --compare [REV ...]` runs this; issue 39).
#
#   Builds each REV as it is deployed (`cargo leptos build --release --precompress`, the commit's
#   own bin-features: no dev instance), ONE AFTER THE OTHER IN THE SHARED TARGET DIR (the disk
#   holds one), copying each server binary, its hash.txt and its site folder out to
#   $LCS_CACHE_DIR/bench/builds/ (a commit built once is not built again). Then starts them all on
#   127.0.0.1 in production configuration (pk_live_ keys, networkless verification with
#   CLERK_JWT_KEY = a test-only fixture key, the Backend API unreachable on purpose) and loads
#   GET /protected with one valid session cookie (wrk -t$THREADS -c$CONNECTIONS -d$DURATION), one
#   build after the other, in rounds whose order alternates. Prints and writes
#   target/bench-compare.md (and the page each build served, target/bench-compare/page-N.html):
#   req/s, p50, p99 (medians over the rounds) and RSS per build, each against the first REV; a
#   build whose req/s is more than $REGRESSION_PCT % below, or whose p99 is more than
#   $REGRESSION_PCT % above, the first REV's is marked "regression" (exit status 3).
#
#   REV: a commit (anything `git rev-parse` takes) or `worktree` (this clone as it is, uncommitted
#   changes included), optionally followed by `:VAR=value[,VAR=value...]`: that build started with
#   those variables too (the same build twice, e.g. `worktree worktree:LEPTOS_HASH_FILES=false`).
#   Default: the baseline commit ($BASELINE, below) and `worktree`. Commits are checked out in a
#   git worktree at $LCS_CACHE_DIR/bench/src.
#
# Knobs (environment): BENCH_DURATION (default 10s), BENCH_CONNECTIONS (32), BENCH_THREADS (2),
#   BENCH_ROUNDS (3), BENCH_PATH (/protected), BENCH_EXPECT (an extended regex the page must match,
#   "Signed in as (<!>)?user_bench"), BENCH_ACCEPT_ENCODING (Chromium's "gzip, deflate, br, zstd";
#   empty: none), BENCH_BASELINE (the default first REV), BENCH_PROFILE=1 (a perf profile of each
#   build under load: the top frames by self time go in the report).
#   Not part of CI: the machines it runs on are shared and noisy; rounds and alternation are what
#   make one run's numbers comparable with each other, never with another run's.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# The baseline the report names: the last commit of 2026-11-23, before the security, production,
# page-weight, template and organization work (issue 39 measured main e6e2534 at 0.72x its req/s
# on /protected).
BASELINE="${BENCH_BASELINE:-08e580a}"
DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
ROUNDS="${BENCH_ROUNDS:-3}"
BENCH_PATH="${BENCH_PATH:-/protected}"
EXPECT="${BENCH_EXPECT:-Signed in as (<!>)?user_bench}"
# What a browser sends (Chromium's Accept-Encoding): a build that compresses pages pays for it here.
ENCODING="${BENCH_ACCEPT_ENCODING-gzip, deflate, br, zstd}"
HEADERS=(-H 'Accept: text/html')
[ -z "$ENCODING" ] || HEADERS+=(-H "Accept-Encoding: $ENCODING")
REGRESSION_PCT=10
REPORT="$ROOT/target/bench-compare.md"

BENCH_DIR="$LCS_CACHE_DIR/bench"
SRC="$BENCH_DIR/src"
BUILDS="$BENCH_DIR/builds"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

REVS=("$@")
[ ${#REVS[@]} -gt 0 ] || REVS=("$BASELINE" worktree)
[ ${#REVS[@]} -ge 2 ] || die "give two or more REVs to compare (or none: $BASELINE and worktree)"
for spec in "${REVS[@]}"; do
  rev="${spec%%:*}"
  [ "$rev" = worktree ] || git rev-parse --verify -q "$rev^{commit}" >/dev/null ||
    die "$rev is not a commit of this clone (a project made from the template starts a history of its own: give REVs of yours, e.g. \`scripts/bench-compare.sh HEAD~1 worktree\`)"
done

need_command wrk wrk
[ -f "$WEB_TOOLCHAIN_FILE" ] || bash "$ROOT/scripts/setup.sh"

# label REV: how the report names a REV.
label() {
  if [ "$1" = worktree ]; then
    echo "worktree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo '+changes'))"
  else
    echo "$(git rev-parse --short "$1^{commit}") $(git log -1 --format=%cs "$1")"
  fi
}

# copy_build PROJECT TARGET_DIR OUT: the server binary, its hash.txt (when hash-files is on) and
# the site folder of a cargo-leptos release build, into OUT.
copy_build() {
  local project="$1" target="$2" out="$3"
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  cp "$target/release/$APP_NAME" "$out.tmp/"
  [ ! -f "$target/release/hash.txt" ] || cp "$target/release/hash.txt" "$out.tmp/"
  cp -r "$project/target/site" "$out.tmp/site"
  rm -rf "$out" && mv "$out.tmp" "$out"
}

# build REV: builds REV (unless already built) and prints the folder of its build.
build() {
  local rev="$1"
  if [ "$rev" = worktree ]; then
    local out="$BUILDS/worktree"
    # Cargo keys a workspace crate's artifacts by neither the tree's path nor a commit: a build of
    # another tree would otherwise be taken as this one's.
    [ "$(cat "$CARGO_TARGET_DIR/.built-from" 2>/dev/null)" = "$ROOT" ] || mark_sources_changed "$ROOT"
    phase "build worktree" web_cargo "${RELEASE_BUILD[@]}" --bin-features "$SERVER_FEATURES" >&2
    copy_build "$ROOT" "$CARGO_TARGET_DIR" "$out"
    echo "$out"
    return
  fi
  local sha; sha="$(git rev-parse "$rev^{commit}")"
  local out="$BUILDS/$sha"
  if [ -x "$out/$APP_NAME" ]; then
    echo "    $(label "$rev"): built before ($out)" >&2
    echo "$out"
    return
  fi
  mkdir -p "$BENCH_DIR"
  # A worktree of another clone (or one this clone no longer knows) is not ours to check out.
  if [ -e "$SRC" ] && [ "$(git -C "$SRC" rev-parse --git-common-dir 2>/dev/null | xargs -r realpath 2>/dev/null)" \
      != "$(realpath "$(git rev-parse --git-common-dir)")" ]; then
    echo "    $SRC is not a worktree of this clone: making it again" >&2
    rm -rf "$SRC"
  fi
  if [ ! -e "$SRC/.git" ]; then
    git worktree prune
    git worktree add --detach --force "$SRC" "$sha" >&2
  else
    git -C "$SRC" checkout --detach --force --quiet "$sha"
    git -C "$SRC" clean -fdq -e target
  fi
  [ "$(git -C "$SRC" rev-parse HEAD)" = "$sha" ] || die "could not check out $rev in $SRC"
  mark_sources_changed "$SRC"
  # That commit's own server features, without the dev instance (a release build's).
  local features; features="$(bin_features "$SRC/Cargo.toml")"
  local name; name="$(label "$rev")"
  (cd "$SRC" && phase "build $name (bin-features $features)" \
    web_cargo "${RELEASE_BUILD[@]}" --bin-features "$features") >&2
  copy_build "$SRC" "$CARGO_TARGET_DIR" "$out"
  echo "$out"
}

# The production configuration every build runs with: a pk_live_ key for a Frontend API host
# that is never contacted, a secret that authenticates nowhere, networkless verification with the
# test-only fixture key, and an unreachable Backend API (so any call to it would show as errors).
FRONTEND_API=clerk.bench.test
PUBLISHABLE_KEY="pk_live_$(printf '%s$' "$FRONTEND_API" | base64 | tr -d '=\n')"
FIXTURES="$ROOT/crates/leptos_clerk/tests/fixtures"
JWT_KEY="$(cat "$FIXTURES/test_only_rsa_a_public.pem")"

# start BUILD_DIR PORT LOG [VAR=value ...]: starts a build in production configuration (plus the
# given variables); prints its pid.
start() {
  local dir="$1" port="$2" log="$3"
  shift 3
  env -i PATH="$PATH" HOME="$HOME" \
    LEPTOS_SITE_ROOT="$dir/site" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_OUTPUT_NAME="$APP_NAME" \
    LEPTOS_SITE_PKG_DIR=pkg LEPTOS_HASH_FILES="$([ -f "$dir/hash.txt" ] && echo true || echo false)" \
    LEPTOS_ENV=PROD ${RUST_LOG:+RUST_LOG="$RUST_LOG"} \
    CLERK_PUBLISHABLE_KEY="$PUBLISHABLE_KEY" CLERK_SECRET_KEY=sk_live_bench_not_a_real_secret \
    CLERK_JWT_KEY="$JWT_KEY" CLERK_API_URL=http://127.0.0.1:9 \
    CLERK_AUTHORIZED_PARTIES="http://127.0.0.1:$port" "$@" \
    "$dir/$APP_NAME" >"$log" 2>&1 &
  echo $!
}

say "builds"
DIRS=()
declare -A BUILT
for rev in "${REVS[@]}"; do
  [ -n "${BUILT[${rev%%:*}]:-}" ] || BUILT[${rev%%:*}]="$(build "${rev%%:*}")"
  DIRS+=("${BUILT[${rev%%:*}]}")
done

say "starting ${#REVS[@]} servers (production configuration, networkless verification)"
declare -a PORTS COOKIES LABELS ENCODINGS
for i in "${!REVS[@]}"; do
  port="$(free_port)"
  PORTS[i]="$port"
  rev="${REVS[i]}" extra_env=()
  LABELS[i]="$(label "${rev%%:*}")"
  if [ "$rev" != "${rev#*:}" ]; then
    IFS=, read -r -a extra_env <<<"${rev#*:}"
    LABELS[i]+=" ${rev#*:}"
  fi
  pid="$(start "${DIRS[i]}" "$port" "$WORK/server-$i.log" "${extra_env[@]}")"
  PIDS[i]="$pid"
  wait_for_url "http://127.0.0.1:$port/" "$pid" "$WORK/server-$i.log"
  origin="http://127.0.0.1:$port"
  node "$ROOT/scripts/bench/session-token.mjs" "$origin" "https://$FRONTEND_API" \
    "$FIXTURES/test_only_rsa_a_private.pem" 3600 >"$WORK/token-$i"
  COOKIES[i]="Cookie: __client_uat=$(sed -n 's/^iat=//p' "$WORK/token-$i"); __session=$(sed -n 's/^token=//p' "$WORK/token-$i")"
  # Only a page that renders signed in is worth timing.
  status="$(curl -sS -o "$WORK/page-$i.body" -D "$WORK/page-$i.headers" -w '%{http_code}' \
    "${HEADERS[@]}" -H "${COOKIES[i]}" "$origin$BENCH_PATH")"
  [ "$status" = 200 ] || die "${LABELS[i]}: GET $BENCH_PATH answered $status, not 200 ($(tail -5 "$WORK/server-$i.log"))"
  encoding="$(sed -n 's/^content-encoding: *//Ip' "$WORK/page-$i.headers" | tr -d '\r')"
  case "$encoding" in
    br | gzip | deflate)
      node -e 'const z = require("node:zlib"), fs = require("node:fs"); const b = fs.readFileSync(process.argv[2]);
        process.stdout.write({ br: z.brotliDecompressSync, gzip: z.gunzipSync, deflate: z.inflateSync }[process.argv[1]](b))' \
        "$encoding" "$WORK/page-$i.body" >"$WORK/page-$i.html" ;;
    "") cp "$WORK/page-$i.body" "$WORK/page-$i.html" ;;
    *) die "${LABELS[i]}: cannot decode Content-Encoding $encoding" ;;
  esac
  grep -qE "$EXPECT" "$WORK/page-$i.html" || die "${LABELS[i]}: GET $BENCH_PATH does not say '$EXPECT'"
  ENCODINGS[i]="${encoding:-identity}"
  mkdir -p "$ROOT/target/bench-compare" && cp "$WORK/page-$i.html" "$ROOT/target/bench-compare/page-$i.html"
  echo "    ${LABELS[i]}: $origin (pid $pid), $BENCH_PATH 200, signed in, $(wc -c <"$WORK/page-$i.body") bytes on the wire (${ENCODINGS[i]}), $(wc -c <"$WORK/page-$i.html") of HTML"
done

# run I ROUND: one wrk run against build I, appended to $WORK/runs as "i round rps p50 p99 bad".
run() {
  local i="$1" round="$2" out="$WORK/wrk-$1-$2.txt"
  timeout 120 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    "${HEADERS[@]}" -H "${COOKIES[i]}" "http://127.0.0.1:${PORTS[i]}$BENCH_PATH" >"$out"
  local rps p50 p99 bad
  read -r rps p50 p99 bad < <(wrk_summary "$out")
  printf '    round %s  %-34s %10s req/s  p50 %7s ms  p99 %7s ms  errors %s\n' \
    "$round" "${LABELS[i]}" "$rps" "$p50" "$p99" "$bad"
  echo "$i $round $rps $p50 $p99 $bad" >>"$WORK/runs"
}

say "warm-up: 2 s each"
for i in "${!REVS[@]}"; do
  timeout 60 wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "${HEADERS[@]}" -H "${COOKIES[i]}" \
    "http://127.0.0.1:${PORTS[i]}$BENCH_PATH" >/dev/null
done
say "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds (order reversed every other round)"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
: >"$WORK/runs"
for round in $(seq 1 "$ROUNDS"); do
  order=("${!REVS[@]}")
  if [ $((round % 2)) -eq 0 ]; then
    order=(); for ((j = ${#REVS[@]} - 1; j >= 0; j--)); do order+=("$j"); done
  fi
  for i in "${order[@]}"; do run "$i" "$round"; done
done

# With BENCH_PROFILE=1: one more wrk run per build under `perf record` (cpu-clock sampling of the
# server), and the top frames by self time in the report.
PROFILE="${BENCH_PROFILE:-0}"
if [ "$PROFILE" = 1 ]; then
  need_command perf linux-perf
  say "profiles (perf record -F 999, 8 s of wrk load each)"
  for i in "${!REVS[@]}"; do
    timeout 60 wrk -t"$THREADS" -c"$CONNECTIONS" -d10s "${HEADERS[@]}" -H "${COOKIES[i]}" \
      "http://127.0.0.1:${PORTS[i]}$BENCH_PATH" >/dev/null &
    wrk_pid=$!
    sleep 1
    perf record -q -F 999 -p "${PIDS[i]}" -o "$WORK/perf-$i.data" -- sleep 8 2>/dev/null || true
    wait "$wrk_pid" || true
    # Flat profile: self time per symbol, the first 15 lines.
    perf report -i "$WORK/perf-$i.data" --stdio --no-children --sort symbol -g none \
      >"$WORK/perf-$i.txt" 2>/dev/null || true
    awk '/^ +[0-9.]+%/ && n++ < 15 { $1 = $1; print }' "$WORK/perf-$i.txt" >"$WORK/top-$i.txt"
    echo "    ${LABELS[i]}: $(head -1 "$WORK/top-$i.txt")"
  done
fi

# median I COLUMN: the median of a column of $WORK/runs over build I's rounds.
median() {
  awk -v i="$1" -v c="$2" '$1 == i {v[++n] = $c} END {
    for (a = 2; a <= n; a++) for (b = a; b > 1 && v[b] < v[b - 1]; b--) { t = v[b]; v[b] = v[b - 1]; v[b - 1] = t }
    printf "%.3f", (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }' "$WORK/runs"
}
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }

mkdir -p "$(dirname "$REPORT")"
{
  echo "# Signed-in page, side by side"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average before the runs: $LOAD_BEFORE."
  echo "GET $BENCH_PATH with one valid session cookie, production configuration (pk_live_, CLERK_JWT_KEY),"
  echo "release builds (cargo leptos build --release); wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds,"
  echo "medians over the rounds. Versus the first row; \"regression\": req/s more than $REGRESSION_PCT % lower or p99"
  echo "more than $REGRESSION_PCT % higher than the first row's in this run."
  echo
  echo "| build | req/s | p50 ms | p99 ms | errors | RSS MiB (peak) | req/s vs first | p99 vs first | verdict |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
  base_rps="$(median 0 3)" base_p99="$(median 0 5)"
  for i in "${!REVS[@]}"; do
    rps="$(median "$i" 3)" p50="$(median "$i" 4)" p99="$(median "$i" 5)"
    errors="$(awk -v i="$i" '$1 == i {n += $6} END {print n + 0}' "$WORK/runs")"
    rss="$(( $(kib "${PIDS[i]}" VmRSS) / 1024 )) ($(( $(kib "${PIDS[i]}" VmHWM) / 1024 )))"
    d_rps="$(awk -v a="$base_rps" -v b="$rps" 'BEGIN { printf "%+.1f %%", (b - a) / a * 100 }')"
    d_p99="$(awk -v a="$base_p99" -v b="$p99" 'BEGIN { printf "%+.1f %%", (b - a) / a * 100 }')"
    verdict="$(awk -v ar="$base_rps" -v r="$rps" -v ap="$base_p99" -v p="$p99" -v t="$REGRESSION_PCT" -v e="$errors" 'BEGIN {
      v = ""
      if (r < ar * (1 - t / 100)) v = "regression (req/s)"
      if (p > ap * (1 + t / 100)) v = (v == "" ? "regression (p99)" : "regression (req/s, p99)")
      if (e > 0) v = (v == "" ? "errors" : v ", errors")
      print (v == "" ? "ok" : v) }')"
    [ "$i" = 0 ] && { d_rps="—"; d_p99="—"; verdict="baseline"; }
    printf '| %s | %.0f | %.2f | %.2f | %s | %s | %s | %s | %s |\n' \
      "${LABELS[i]}" "$rps" "$p50" "$p99" "$errors" "$rss" "$d_rps" "$d_p99" "$verdict"
  done
  echo
  if [ "$PROFILE" = 1 ]; then
    for i in "${!REVS[@]}"; do
      echo "Top frames by self time, ${LABELS[i]} (perf, cpu-clock, 8 s under load):"
      echo
      fenced "$WORK/top-$i.txt"
      echo
    done
  fi
  echo "Raw runs (build round req/s p50_ms p99_ms errors; build = row number from 0):"
  echo
  fenced "$WORK/runs"
} >"$REPORT"
say "report: $REPORT"
cat "$REPORT"
grep -q '| regression' "$REPORT" && exit 3 || exit 0
