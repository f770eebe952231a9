#!/usr/bin/env bash
# bench.sh — what the Clerk layer costs per request (issue 4). Serves the app's SSR home page with
#   and without the layer (examples/layer_overhead.rs, release build, 127.0.0.1 only) and loads it
#   with wrk in four runs:
#     a  no layer                     (the baseline; same signed-out HTML as b)
#     b  layer, signed out            (no cookie)
#     c  layer, signed in by cookie   (__session + __client_uat; the verified-token cache answers)
#     d  layer, signed in by header   (Authorization: Bearer)
#   then the same four cases in process (`layer_overhead --in-process`: no sockets, interleaved
#   batches, plus the layer's own cost around a trivial handler and `authenticate_request` alone;
#   far less disturbed by other load on the machine), then raw token verification
#   (`cargo bench --bench verify`). Writes target/bench-report.md (req/s, p50/p99 latency,
#   overhead of b/c/d vs a; target <= 5 %) and prints it, with the server's RSS.
#
# Knobs (environment): BENCH_DURATION (wrk -d, default 10s), BENCH_CONNECTIONS (default 32),
#   BENCH_THREADS (default 2), BENCH_ORDER (default "b a c d"), BENCH_ROUNDS (default 1; every
#   other round runs the order reversed, and the summary averages the rounds).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
read -r -a ORDER <<<"${BENCH_ORDER:-b a c d}"
ROUNDS="${BENCH_ROUNDS:-1}"
TARGET_OVERHEAD_PCT=5
REPORT="$ROOT/target/bench-report.md"
WORK="$(mktemp -d)"
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
  say "installing wrk"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get install -y wrk || { $SUDO apt-get update && $SUDO apt-get install -y wrk; }
fi

phase "build the example (release)" \
  cargo build --release --example layer_overhead --features ssr
BIN="$CARGO_TARGET_DIR/release/examples/layer_overhead"

say "starting the bench server"
# The server exits by itself after BENCH_SERVER_SECS, whatever happens to this script.
BENCH_SERVER_SECS=900 "$BIN" >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 1 100); do
  grep -q '^pid=' "$WORK/server.out" && break
  kill -0 "$SERVER_PID" 2>/dev/null || die "the bench server exited: $(cat "$WORK/server.err")"
  sleep 0.1
done
grep -q '^pid=' "$WORK/server.out" || die "the bench server did not start within 10 s"
value() { sed -n "s/^$1=//p" "$WORK/server.out"; }
BASELINE_URL="$(value baseline_url)"
LAYERED_URL="$(value layered_url)"
TOKEN="$(value session_token)"
CLIENT_UAT="$(value client_uat)"
case "$BASELINE_URL$LAYERED_URL" in
  http://127.0.0.1:*http://127.0.0.1:*) ;;
  *) die "the bench server must listen on 127.0.0.1 only (got $BASELINE_URL, $LAYERED_URL)" ;;
esac
echo "    baseline: $BASELINE_URL  layered: $LAYERED_URL  (pid $SERVER_PID)"
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status"; }
peak_rss_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status"; }
RSS_IDLE="$(rss_kib)"

# Every request is a page load: browsers send Accept: text/html.
ACCEPT="Accept: text/html"
COOKIE="Cookie: __client_uat=$CLIENT_UAT; __session=$TOKEN"
BEARER="Authorization: Bearer $TOKEN"
url_of() { [ "$1" = a ] && echo "$BASELINE_URL" || echo "$LAYERED_URL"; }
header_of() {
  case "$1" in
    c) echo "$COOKIE" ;;
    d) echo "$BEARER" ;;
    *) echo "$ACCEPT" ;;
  esac
}
label_of() {
  case "$1" in
    a) echo "a: no layer" ;;
    b) echo "b: layer, signed out" ;;
    c) echo "c: layer, signed in (cookie)" ;;
    d) echo "d: layer, signed in (Bearer)" ;;
  esac
}
expected_of() { case "$1" in c | d) echo "You are signed in" ;; *) echo "You are signed out" ;; esac; }

# A run is only worth timing if it renders what it claims: one request per scenario first
# (this also fills the verified-token cache for c and d).
say "checking each scenario once"
declare -A BYTES
for s in a b c d; do
  curl -sS --max-time 10 -o "$WORK/$s.html" -D "$WORK/$s.headers" \
    -H "$ACCEPT" -H "$(header_of "$s")" "$(url_of "$s")"
  grep -q '^HTTP/1.1 200' "$WORK/$s.headers" || die "$(label_of "$s"): not a 200: $(head -1 "$WORK/$s.headers")"
  grep -q "$(expected_of "$s")" "$WORK/$s.html" || die "$(label_of "$s"): the page does not say '$(expected_of "$s")'"
  BYTES[$s]=$(wc -c <"$WORK/$s.html")
  status=$(sed -n 's/^x-clerk-auth-status: *//Ip' "$WORK/$s.headers" | tr -d '\r')
  echo "    $(label_of "$s"): 200, ${BYTES[$s]} bytes, x-clerk-auth-status: ${status:-none}"
done
# Leptos writes a fresh nonce into every page; apart from it, a and b must be the same HTML.
without_nonce() { sed -E 's/(crossorigin|nonce)="[A-Za-z0-9_-]{22}"/\1=""/g' "$1"; }
cmp -s <(without_nonce "$WORK/a.html") <(without_nonce "$WORK/b.html") \
  || die "the baseline page differs from the layered signed-out page"

# wrk latency as milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f", n }'
}

# run SCENARIO ROUND: one wrk run, appended to $WORK/runs as "scenario round rps p50 p99 errors".
run() {
  local s="$1" round="$2" out="$WORK/wrk-$1-$2.txt"
  say "round $round, $(label_of "$s"): wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
  timeout 120 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    -H "$ACCEPT" -H "$(header_of "$s")" "$(url_of "$s")" >"$out"
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  bad=$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {
    for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i } END {print n + 0}' "$out")
  echo "    $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $bad"
  echo "$s $round $rps $p50 $p99 $bad" >>"$WORK/runs"
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then sequence=("${ORDER[@]}"); else
    sequence=()
    for ((i = ${#ORDER[@]} - 1; i >= 0; i--)); do sequence+=("${ORDER[i]}"); done
  fi
  for s in "${sequence[@]}"; do run "$s" "$round"; done
done
RSS_AFTER="$(rss_kib)"
RSS_PEAK="$(peak_rss_kib)"
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""

say "in-process A/B (layer_overhead --in-process: no sockets, interleaved batches)"
timeout 300 "$BIN" --in-process >"$WORK/in-process.out" || die "the in-process measurement failed"
grep -v '^session_token=' "$WORK/in-process.out"

say "token verification (cargo bench -p leptos_clerk --features ssr --bench verify)"
if ! timeout 900 cargo bench -p leptos_clerk --features ssr --bench verify \
  >"$WORK/verify.txt" 2>"$WORK/verify.err"; then
  die "cargo bench failed: $(tail -20 "$WORK/verify.err")"
fi
cat "$WORK/verify.txt"

mkdir -p "$(dirname "$REPORT")"
# mean SCENARIO COLUMN: the mean of a column of $WORK/runs over the rounds.
mean() { awk -v s="$1" -v c="$2" '$1 == s {t += $c; n++} END {printf "%.2f", t / n}' "$WORK/runs"; }
RPS_A="$(mean a 3)"
{
  echo "# Clerk layer overhead"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load average before the runs: $LOAD_BEFORE."
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION against the app's SSR home page on 127.0.0.1; order ${ORDER[*]}, $ROUNDS round(s) (even rounds reversed); means over rounds."
  echo
  echo "| run | page bytes | req/s | p50 ms | p99 ms | errors | overhead vs a |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for s in a b c d; do
    rps="$(mean "$s" 3)"
    overhead="—"
    if [ "$s" != a ]; then
      overhead=$(awk -v a="$RPS_A" -v x="$rps" -v t="$TARGET_OVERHEAD_PCT" 'BEGIN {
        o = (a - x) / a * 100; printf "%+.1f %% (%s)", o, (o <= t ? "ok" : "over " t " %") }')
    fi
    echo "| $(label_of "$s") | ${BYTES[$s]} | $rps | $(mean "$s" 4) | $(mean "$s" 5) | $(awk -v s="$s" '$1 == s {n += $6} END {print n + 0}' "$WORK/runs") | $overhead |"
  done
  echo
  echo "Overhead = (req/s of a − req/s of the run) / req/s of a; target ≤ $TARGET_OVERHEAD_PCT %."
  echo "Server RSS (both routers, one process): idle $((RSS_IDLE / 1024)) MiB, after the runs $((RSS_AFTER / 1024)) MiB, peak $((RSS_PEAK / 1024)) MiB."
  echo
  echo "## In-process (no sockets, no wrk; 40 interleaved rounds per run, fastest batch)"
  echo
  echo "Less disturbed by other load on the machine than wrk. page: the SSR page through each"
  echo "router (100 renders a batch). layer only: the layer around a handler returning \"ok\""
  echo "(2000 requests a batch), minus the same handler without it. authenticate:"
  echo "Clerk::authenticate_request alone. Share of page = layer-only cost / page time of a."
  echo
  echo "| run | page µs (fastest) | page µs (median) | page overhead vs a | layer only µs | authenticate µs | share of page |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  us_of() { sed -n "s/^$1 scenario=$2 .*$3=\([0-9.]*\).*/\1/p" "$WORK/in-process.out"; }
  page_a="$(us_of page a us_min)"
  trivial_a="$(us_of layer_only a us_min)"
  for s in a b c d; do
    overhead="—" layer="—" auth="—" share="—"
    if [ "$s" != a ]; then
      overhead=$(awk -v a="$page_a" -v x="$(us_of page "$s" us_min)" 'BEGIN {
        printf "%+.1f %%", (x - a) / a * 100 }')
      layer=$(awk -v a="$trivial_a" -v x="$(us_of layer_only "$s" us_min)" 'BEGIN { printf "%.2f", x - a }')
      auth="$(us_of authenticate "$s" us_min)"
      share=$(awk -v l="$layer" -v p="$page_a" -v t="$TARGET_OVERHEAD_PCT" 'BEGIN {
        o = l / p * 100; printf "%.1f %% (%s)", o, (o <= t ? "ok" : "over " t " %") }')
    fi
    echo "| $(label_of "$s") | $(us_of page "$s" us_min) | $(us_of page "$s" us_median) | $overhead | $layer | $auth | $share |"
  done
  echo
  echo "## Token verification, one core (cargo bench -p leptos_clerk --features ssr --bench verify)"
  echo
  echo '```'
  grep 'verifications/s' "$WORK/verify.txt" || cat "$WORK/verify.txt"
  echo '```'
  echo
  echo "## Raw runs (scenario round req/s p50_ms p99_ms errors)"
  echo
  echo '```'
  cat "$WORK/runs"
  echo '```'
} >"$REPORT"

say "report: $REPORT"
cat "$REPORT"
