#!/usr/bin/env bash
# bench.sh — what the Clerk layer costs per request (issue 4). Serves the app's SSR home page with
#   and without the layer (examples/layer_overhead.rs, release build, 127.0.0.1 only) and loads it
#   with wrk in five runs:
#     a  no layer, signed out         (the baseline of b; same HTML as b)
#     b  layer, signed out            (no cookie)
#     c  layer, signed in by cookie   (__session + __client_uat; the verified-token cache answers)
#     d  layer, signed in by header   (Authorization: Bearer, with the cookies of c as a browser's
#                                      fetch sends them; the layer ignores them then)
#     e  no layer, signed in          (the baseline of c and d: the signed-in state computed once
#                                      at start-up; same HTML as c and d; sends the cookies of c,
#                                      as a signed-in browser does whether or not auth is on)
#   A signed-in page renders more than a signed-out one (the user button, the greeting), so each
#   layered run is compared with the same page without the layer; the report also shows c and d
#   against a. Then the same cases in process (`layer_overhead --in-process`: no sockets, one
#   request of each run in turn, overhead from the paired differences; plus the layer's own cost
#   around a trivial handler and `authenticate_request` alone; far less disturbed by other load
#   on the machine than wrk), then raw token verification
#   (`cargo bench --bench verify`) and webhook verification against a signature flood
#   (`cargo bench --bench webhooks`). Writes target/bench-report.md (req/s, p50/p99 latency,
#   overhead of b/c/d vs their baseline; target <= 5 %) and prints it, with the server's RSS.
#
# Knobs (environment): BENCH_DURATION (wrk -d, default 5s), BENCH_CONNECTIONS (default 32),
#   BENCH_THREADS (default 2), BENCH_ORDER (default "b a c e d"), BENCH_ROUNDS (default 4; every
#   other round runs the order reversed; the summary averages the rounds and also gives the
#   median of the per-round overheads, each run against its baseline of the same round).
#
# `scripts/bench.sh --compare [REV ...]` runs scripts/bench-compare.sh instead: the signed-in page
#   of two or more release builds (a baseline commit, 08e580a by default, and this working tree)
#   built one after the other in the shared target dir and loaded alternately, side by side, with
#   a "regression" verdict (issue 39).
set -euo pipefail
[ "${1:-}" != --compare ] || { shift; exec "$(dirname "${BASH_SOURCE[0]}")/bench-compare.sh" "$@"; }
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

DURATION="${BENCH_DURATION:-5s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
read -r -a ORDER <<<"${BENCH_ORDER:-b a c e d}"
ROUNDS="${BENCH_ROUNDS:-4}"
TARGET_OVERHEAD_PCT=5
REPORT="$ROOT/target/bench-report.md"
WORK="$(mktemp -d)"
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

need_command wrk wrk

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
SIGNED_IN_BASELINE_URL="$(value baseline_signed_in_url)"
LAYERED_URL="$(value layered_url)"
TOKEN="$(value session_token)"
CLIENT_UAT="$(value client_uat)"
for url in "$BASELINE_URL" "$SIGNED_IN_BASELINE_URL" "$LAYERED_URL"; do
  case "$url" in
    http://127.0.0.1:*) ;;
    *) die "the bench server must listen on 127.0.0.1 only (got '$url')" ;;
  esac
done
echo "    baselines: $BASELINE_URL (signed out), $SIGNED_IN_BASELINE_URL (signed in)  layered: $LAYERED_URL  (pid $SERVER_PID)"
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status"; }
peak_rss_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status"; }
RSS_IDLE="$(rss_kib)"

# Every request is a page load: browsers send Accept: text/html.
ACCEPT="Accept: text/html"
COOKIE="Cookie: __client_uat=$CLIENT_UAT; __session=$TOKEN"
BEARER="Authorization: Bearer $TOKEN"
url_of() {
  case "$1" in
    a) echo "$BASELINE_URL" ;;
    e) echo "$SIGNED_IN_BASELINE_URL" ;;
    *) echo "$LAYERED_URL" ;;
  esac
}
# The run a layered run is compared with: the same page without the layer.
baseline_of() { case "$1" in c | d) echo e ;; *) echo a ;; esac; }
# The request headers of a run (wrk/curl -H arguments) into HEADER_ARGS. d sends the cookies as
# well, as a browser's fetch with a Bearer token does (the layer then ignores the cookies).
header_args() {
  HEADER_ARGS=(-H "$ACCEPT")
  case "$1" in
    c | e) HEADER_ARGS+=(-H "$COOKIE") ;;
    d) HEADER_ARGS+=(-H "$COOKIE" -H "$BEARER") ;;
  esac
}
label_of() {
  case "$1" in
    a) echo "a: no layer, signed out" ;;
    b) echo "b: layer, signed out" ;;
    c) echo "c: layer, signed in (cookie)" ;;
    d) echo "d: layer, signed in (Bearer; cookies too)" ;;
    e) echo "e: no layer, signed in (cookies of c)" ;;
  esac
}
expected_of() { case "$1" in c | d | e) echo "You are signed in" ;; *) echo "You are signed out" ;; esac; }
SCENARIOS=(a b c d e)

# A run is only worth timing if it renders what it claims: one request per scenario first
# (this also fills the verified-token cache for c and d).
say "checking each scenario once"
declare -A BYTES
for s in "${SCENARIOS[@]}"; do
  header_args "$s"
  curl -sS --max-time 10 -o "$WORK/$s.html" -D "$WORK/$s.headers" "${HEADER_ARGS[@]}" "$(url_of "$s")"
  grep -q '^HTTP/1.1 200' "$WORK/$s.headers" || die "$(label_of "$s"): not a 200: $(head -1 "$WORK/$s.headers")"
  grep -q "$(expected_of "$s")" "$WORK/$s.html" || die "$(label_of "$s"): the page does not say '$(expected_of "$s")'"
  BYTES[$s]=$(wc -c <"$WORK/$s.html")
  status=$(sed -n 's/^x-clerk-auth-status: *//Ip' "$WORK/$s.headers" | tr -d '\r')
  echo "    $(label_of "$s"): 200, ${BYTES[$s]} bytes, x-clerk-auth-status: ${status:-none}"
done
# Leptos writes a fresh nonce into every page; apart from it, each layered page must be the same
# HTML as its baseline.
without_nonce() { sed -E 's/(crossorigin|nonce)="[A-Za-z0-9_-]{22}"/\1=""/g' "$1"; }
for s in b c d; do
  cmp -s <(without_nonce "$WORK/$(baseline_of "$s").html") <(without_nonce "$WORK/$s.html") \
    || die "$(label_of "$s"): the page differs from its baseline ($(label_of "$(baseline_of "$s")"))"
done

# run SCENARIO ROUND: one wrk run, appended to $WORK/runs as "scenario round rps p50 p99 errors".
run() {
  local s="$1" round="$2" out="$WORK/wrk-$1-$2.txt"
  say "round $round, $(label_of "$s"): wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
  header_args "$s"
  timeout 120 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    "${HEADER_ARGS[@]}" "$(url_of "$s")" >"$out"
  local rps p50 p99 bad
  read -r rps p50 p99 bad < <(wrk_summary "$out")
  echo "    $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $bad"
  echo "$s $round $rps $p50 $p99 $bad" >>"$WORK/runs"
}

# Warm-up (not recorded): the first seconds after start-up run slower, whichever run is first.
say "warm-up: 2 s of every run"
for s in "${SCENARIOS[@]}"; do
  header_args "$s"
  timeout 60 wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "${HEADER_ARGS[@]}" "$(url_of "$s")" >/dev/null
done
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

say "webhook signature flood (cargo bench -p leptos_clerk --features ssr --bench webhooks)"
if ! timeout 900 cargo bench -p leptos_clerk --features ssr --bench webhooks \
  >"$WORK/webhooks.txt" 2>"$WORK/webhooks.err"; then
  die "cargo bench failed: $(tail -20 "$WORK/webhooks.err")"
fi
cat "$WORK/webhooks.txt"

mkdir -p "$(dirname "$REPORT")"
# ran SCENARIO: whether wrk loaded that run (BENCH_ORDER may leave runs out).
ran() { grep -q "^$1 " "$WORK/runs"; }
# mean SCENARIO COLUMN: the mean of a column of $WORK/runs over the rounds.
mean() { awk -v s="$1" -v c="$2" '$1 == s {t += $c; n++} END {printf "%.2f", t / n}' "$WORK/runs"; }
# spread: per run, (max − min) / mean of req/s over the rounds.
spread() {
  awk '{ n[$1]++; t[$1] += $3; if (!($1 in lo) || $3 < lo[$1]) lo[$1] = $3; if ($3 > hi[$1]) hi[$1] = $3 }
    END { for (s in n) printf "%s %.1f %%; ", s, (hi[s] - lo[s]) / (t[s] / n[s]) * 100 }' "$WORK/runs" | sed 's/; $//'
}
# judged PERCENT [FORMAT]: the percentage (printf FORMAT, default %+.1f) and whether it meets the
# target, e.g. "+3.2 % (ok)".
judged() {
  awk -v o="$1" -v f="${2:-%+.1f}" -v t="$TARGET_OVERHEAD_PCT" 'BEGIN {
    printf f " %% (%s)", o, (o <= t ? "ok" : "over " t " %") }'
}
# percent_of PART WHOLE: PART / WHOLE × 100.
percent_of() { awk -v p="$1" -v w="$2" 'BEGIN { print p / w * 100 }'; }
# paired_median BASE RUN: the median over the rounds of (BASE − RUN) / BASE of the same round,
# judged against the target (slow drift of the machine's load hits both runs of a round alike).
paired_median() {
  judged "$(awk -v b="$1" -v x="$2" '
    $1 == b {base[$2] = $3} $1 == x {run[$2] = $3}
    END {
      n = 0
      for (r in run) if (r in base) o[++n] = (base[r] - run[r]) / base[r] * 100
      for (i = 2; i <= n; i++) for (j = i; j > 1 && o[j] < o[j - 1]; j--) { k = o[j]; o[j] = o[j - 1]; o[j - 1] = k }
      print (n % 2) ? o[(n + 1) / 2] : (o[n / 2] + o[n / 2 + 1]) / 2 }' "$WORK/runs")"
}
# overhead BASE RUN: (BASE − RUN) / BASE as a signed percentage, judged against the target.
overhead() { judged "$(awk -v a="$1" -v x="$2" 'BEGIN { print (a - x) / a * 100 }')"; }
{
  echo "# Clerk layer overhead"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load average before the runs: $LOAD_BEFORE."
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION against the app's SSR home page on 127.0.0.1; order ${ORDER[*]}, $ROUNDS round(s) (even rounds reversed); means over rounds."
  echo
  echo "| run | page bytes | req/s | p50 ms | p99 ms | errors | overhead vs the same page without the layer | median per-round overhead | vs a |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for s in a b c d e; do
    if ! ran "$s"; then
      echo "| $(label_of "$s") | ${BYTES[$s]} | not run (BENCH_ORDER) | | | | | | |"
      continue
    fi
    rps="$(mean "$s" 3)"
    own="—" paired="—" vs_a="—"
    case "$s" in
      b | c | d)
        base="$(baseline_of "$s")"
        if ran "$base"; then
          own="$(overhead "$(mean "$base" 3)" "$rps") vs $base"
          paired="$(paired_median "$base" "$s")"
        fi
        if ran a; then
          vs_a=$(awk -v a="$(mean a 3)" -v x="$rps" 'BEGIN { printf "%+.1f %%", (a - x) / a * 100 }')
        fi
        ;;
    esac
    echo "| $(label_of "$s") | ${BYTES[$s]} | $rps | $(mean "$s" 4) | $(mean "$s" 5) | $(awk -v s="$s" '$1 == s {n += $6} END {print n + 0}' "$WORK/runs") | $own | $paired | $vs_a |"
  done
  echo
  echo "Overhead = (req/s of the baseline − req/s of the run) / req/s of the baseline; target ≤ $TARGET_OVERHEAD_PCT %."
  echo "Median per-round overhead: the same ratio within each round (a run and its baseline loaded"
  echo "minutes apart at most), the median over the rounds: less moved by the machine's drifting load."
  echo "Spread between rounds of the same run (max − min over mean), the noise floor of this table: $(spread)."
  echo "The baseline of b is a (signed out), of c and d it is e (the same signed-in page, its Clerk"
  echo "state computed once at start-up, the request carrying the cookies of c). \"vs a\" adds the cost of rendering the signed-in page."
  echo "Server RSS (three routers, one process): idle $((RSS_IDLE / 1024)) MiB, after the runs $((RSS_AFTER / 1024)) MiB, peak $((RSS_PEAK / 1024)) MiB."
  echo
  echo "## In-process (no sockets, no wrk; one request per run in turn, paired differences)"
  echo
  echo "Far less disturbed by other load on the machine than wrk. page: the SSR page through each"
  echo "router, 4000 requests per run, one of each run in turn; overhead = the median of the"
  echo "differences between a run's request and its baseline's request of the same turn, over the"
  echo "baseline's median. layer only: the same with the layer around a handler returning \"ok\""
  echo "(40000 turns), the median paired difference with the bare handler. authenticate:"
  echo "Clerk::authenticate_request alone (fastest of 40 batches). Share of page = layer-only"
  echo "cost / the baseline page's median."
  echo
  echo "| run | page µs (median) | page µs (fastest) | page overhead (paired) | layer only µs | authenticate µs | share of page |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  field() { sed -n "s/^$1 scenario=$2 .*$3=\([0-9.-]*\).*/\1/p" "$WORK/in-process.out"; }
  for s in a b c d e; do
    overhead="—" layer="—" auth="—" share="—"
    case "$s" in
      b | c | d)
        base="$(baseline_of "$s")"
        page_base="$(field page "$base" us_median)"
        overhead="$(judged "$(percent_of "$(field page "$s" diff_us)" "$page_base")") vs $base"
        layer="$(field layer_only "$s" diff_us)"
        auth="$(field authenticate "$s" us_min)"
        share="$(judged "$(percent_of "$layer" "$page_base")" %.1f)"
        ;;
    esac
    echo "| $(label_of "$s") | $(field page "$s" us_median) | $(field page "$s" us_min) | $overhead | $layer | $auth | $share |"
  done
  echo
  copy_us="$(sed -n 's/^baseline_state_copy_us=//p' "$WORK/in-process.out")"
  conservative=""
  for s in b c d; do
    base="$(baseline_of "$s")"
    with_copy="$(awk -v d="$(field page "$s" diff_us)" -v c="$copy_us" 'BEGIN { print d + c }')"
    conservative+="$s $(judged "$(percent_of "$with_copy" "$(field page "$base" us_median)")"); "
  done
  echo "The baselines copy their Clerk state into the Leptos context on every request ($copy_us µs per"
  echo "copy, measured), a copy the layered pages do not make: they share the layer's. With that copy"
  echo "added to the paired differences, the most conservative page overheads are: ${conservative%; }."
  echo
  echo "## Token verification, one core (cargo bench -p leptos_clerk --features ssr --bench verify)"
  echo
  echo '```'
  grep 'verifications/s' "$WORK/verify.txt" || cat "$WORK/verify.txt"
  echo '```'
  echo
  echo "## Webhook verification against a signature flood, one core (--bench webhooks)"
  echo
  echo "What one rejected request costs: every case is a bogus signature over a 1 MiB body."
  echo
  echo '```'
  grep '^webhook:' "$WORK/webhooks.txt" || cat "$WORK/webhooks.txt"
  echo '```'
  echo
  echo "## Raw runs (scenario round req/s p50_ms p99_ms errors)"
  echo
  fenced "$WORK/runs"
} >"$REPORT"

say "report: $REPORT"
cat "$REPORT"
