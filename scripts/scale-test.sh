#!/usr/bin/env bash
# scale-test.sh — N stateless instances behind nginx, on loopback, in production configuration
# (the release build without the dev instance, pk_live_ keys, Frontend API proxy, the standalone
# clerk-dev-instance as the external Clerk), using deploy/nginx.conf as it is:
#   1. a browser signs up, signs in and stays signed in while nginx spreads its page loads over
#      three instances; "Sign in with Clerk" (OAuth) started on one instance completes on another;
#   2. two builds of this commit in two different directories serve the same server-function URLs;
#   3. under a wrk load of a signed-in page: kill -9 of one instance and a SIGTERM drain of
#      another, then a rolling restart of all three, lose no request (0 non-2xx, 0 socket errors);
#   4. req/s and p99 through nginx with 1 and with 3 instances.
# Installs nginx and wrk from the OS packages when missing. Not part of scripts/test.sh (minutes
# of load); writes target/scale-report.md. SCALE_SKIP_BUILD=1 reuses the existing release build;
# SCALE_SECS sets the length of each load run (default 15).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

SECS="${SCALE_SECS:-15}"
# What this project has: the demo pages (/protected, /oauth-demo) and the OAuth example.
DEMO="$([ -d src/routes/demo ] && echo 1 || echo 0)"
OAUTH="$([ "$DEMO" = 1 ] && has_server_feature oauth && echo 1 || echo 0)"
REPORT="$ROOT/target/scale-report.md"

if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  say "installing nginx and wrk (OS packages)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light wrk >/dev/null \
    || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx wrk >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

if [ "${SCALE_SKIP_BUILD:-}" != 1 ]; then
  phase "release build (production)" web_cargo "${RELEASE_BUILD[@]}"
fi
# SCALE_SKIP_BUILD=1 takes whatever release build is there: scripts/test.sh builds the one with the
# embedded dev instance last. Its source paths are in a binary that has it (none in one without).
[ -z "$(dev_instance_markers "$CARGO_TARGET_DIR/release/$APP_NAME")" ] \
  || die "the release build in $CARGO_TARGET_DIR/release has the dev instance in it: this test is of the production build; run it without SCALE_SKIP_BUILD=1"
cargo build -q -p clerk_dev_instance --bin clerk-dev-instance
[ -d end2end/node_modules/playwright-core ] || (cd end2end && npm ci --no-audit --no-fund >/dev/null)

WORK="$(mktemp -d)"
NGINX_PID=""
LOGS="$LCS_CACHE_DIR/scale-logs"
cleanup() {
  [ -z "$NGINX_PID" ] || kill "$NGINX_PID" 2>/dev/null || true
  stop_server
  # The logs of this run stay for a look after a failure.
  rm -rf "$LOGS"; mkdir -p "$LOGS"
  cp "$WORK"/*.log "$WORK"/*.json "$WORK"/nginx/*.log "$LOGS"/ 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# ------------------------------------------------------------------------------- the stack
PORTS=("$(free_port)" "$(free_port)" "$(free_port)")
LB3="$(free_port)"; LB1="$(free_port)"
PUBLIC="http://127.0.0.1:$LB3"
ORIGINS="$PUBLIC,http://127.0.0.1:$LB1"
# Tokens outlive the load runs: a load test of a signed-in page must not turn into handshakes.
export CLERK_DEV_TOKEN_LIFETIME_SECS=3600
start_clerk_instance "$WORK/clerk.log" "$ORIGINS"

# start_instance I: app instance I (0-based) on PORTS[I]; its pid goes to INSTANCE_PIDS[I].
INSTANCE_PIDS=()
start_instance() {
  start_app "$WORK/app$1.log" "${PORTS[$1]}" "$ORIGINS" \
    CLERK_TRUST_FORWARDED_HEADERS=1 SHUTDOWN_READY_DELAY_SECS=0 SHUTDOWN_GRACE_SECS=10
  INSTANCE_PIDS[$1]="$APP_PID"
}
for i in 0 1 2; do start_instance "$i"; done
say "three instances on ports ${PORTS[*]}"

# deploy/nginx.conf as it is, with this run's ports: one server with all three instances
# (public origin), and a copy of it with only the first (the 1-instance baseline).
site() { # LISTEN_PORT UPSTREAM_NAME PORTS...
  local listen="$1" name="$2"; shift 2
  awk -v listen="$listen" -v name="$name" -v ports="$*" '
    /^upstream leptos_clerk_app/ { sub("leptos_clerk_app", name) }
    /^ *server 127\.0\.0\.1:300[0-9]/ {
      if (done) next
      n = split(ports, p, " ")
      for (i = 1; i <= n; i++) print "    server 127.0.0.1:" p[i] " max_fails=1 fail_timeout=5s;"
      done = 1; next
    }
    /listen 8080;/ { sub("8080", "127.0.0.1:" listen) }
    /proxy_pass http:\/\/leptos_clerk_app;/ { sub("leptos_clerk_app", name) }
    { print }' "$ROOT/deploy/nginx.conf"
}
mkdir -p "$WORK/nginx"
{
  echo "worker_processes 1; pid $WORK/nginx/nginx.pid; error_log $WORK/nginx/error.log warn;"
  echo "events { worker_connections 1024; }"
  echo "http {"
  echo "  log_format upstream '\$request_method \$uri \$status \$upstream_addr';"
  echo "  access_log $WORK/nginx/access.log upstream;"
  for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $WORK/nginx/$t;"; done
  site "$LB3" app3 "${PORTS[@]}"
  site "$LB1" app1 "${PORTS[0]}"
  echo "}"
} > "$WORK/nginx/nginx.conf"
"$NGINX" -t -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" 2>&1 | sed 's/^/    /'
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" -g 'daemon off;' &
NGINX_PID=$!
wait_for_url "$PUBLIC/healthz" "$NGINX_PID" "$WORK/nginx/error.log"
say "nginx on $PUBLIC (3 instances) and http://127.0.0.1:$LB1 (1 instance)"

# ------------------------------------------------------------- 1. a browser through nginx
say "1. a browser signs up, signs in and stays signed in across the instances"
COOKIES="$WORK/cookies.txt"
: > "$WORK/nginx/access.log"
BROWSER_RESULT="$(cd end2end && BASE_URL="$PUBLIC" CLERK_DEV_URL="$CLERK_DEV_URL" \
  SCALE_COOKIE_FILE="$COOKIES" SCALE_OAUTH="$OAUTH" node scale.mjs)" || { tail -30 "$WORK/app0.log"; die "the browser part failed"; }
echo "    $BROWSER_RESULT"
LOG="$WORK/nginx/access.log"
# Page loads (documents and server functions, not assets) per instance.
SPREAD="$(awk '$2 !~ /\.(js|wasm|css|svg|ico)$/ && $2 !~ /^\/__clerk/ {print $4}' "$LOG" | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')"
USED="$(awk '$2 !~ /^\/__clerk/ {print $4}' "$LOG" | sort -u | grep -c . || true)"
echo "    app requests per instance: $SPREAD"
[ "$USED" = 3 ] || die "the browser's requests reached $USED instance(s), not 3"
if [ "$OAUTH" = 1 ]; then
  # Each OAuth login (/auth/clerk/login) and the callback that completed it
  # (/auth/clerk/callback, a redirect): on which instances.
  CROSS="$(awk '$2 == "/auth/clerk/login" {login = $4} $2 == "/auth/clerk/callback" && $3 ~ /^30/ {print (login == $4 ? "same" : "cross")}' "$LOG")"
  CROSS_COUNT="$(grep -c cross <<<"$CROSS" || true)"
  echo "    OAuth logins completed on another instance than they started: $CROSS_COUNT of $(grep -c . <<<"$CROSS" || true)"
  [ "$CROSS_COUNT" -ge 1 ] || die "no OAuth login completed on another instance than it started"
else
  CROSS_COUNT="none (no OAuth example in this project)"
fi

# ---------------------------------------------------------------------- 3. and 4. load
COOKIE="$(cat "$COOKIES")"
PAGE="$([ "$DEMO" = 1 ] && echo /protected || echo /profile)"
USER_ID="$(curl -fsS -H "Cookie: $COOKIE" "$PUBLIC$PAGE" | grep -oE 'user_[A-Za-z0-9]+' | head -1)"
[ -n "$USER_ID" ] || die "$PAGE with the browser's cookies is not signed in"
cat > "$WORK/count.lua" <<'LUA'
-- Counts every answer that is not a 200 (wrk itself counts only >= 400), by status, and
-- prints JSON.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; statuses = {} end
function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end
function done(summary, latency, requests)
  local not_ok, by_status = 0, {}
  for _, t in ipairs(threads) do
    not_ok = not_ok + t:get("bad")
    for status, n in pairs(t:get("statuses")) do by_status[status] = (by_status[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(by_status) do table.insert(parts, string.format('"%d":%d', status, n)) end
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests":%d,"req_per_s":%.0f,"p50_ms":%.1f,"p99_ms":%.1f,"non_200":%d,"socket_errors":%d,"non_200_by_status":%s}\n',
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, not_ok, e.connect + e.read + e.write + e.timeout,
    "{" .. table.concat(parts, ",") .. "}"))
end
LUA
# load URL SECONDS: a wrk run of a signed-in page (2 threads, 16 connections); prints its JSON.
load() {
  wrk -t2 -c16 -d"$2s" --latency -s "$WORK/count.lua" -H "Cookie: $COOKIE" -H "Accept: text/html" "$1" \
    | sed -n 's/^WRK //p'
}
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
no_loss() { # NAME JSON
  local bad errors; bad="$(field "$2" non_200)"; errors="$(field "$2" socket_errors)"
  echo "    $1: $2"
  [ "$bad" = 0 ] && [ "$errors" = 0 ] || die "$1 lost requests: $bad non-200, $errors socket errors"
}

say "4. throughput through nginx ($SECS s each, signed-in $PAGE)"
ONE="$(load "http://127.0.0.1:$LB1$PAGE" "$SECS")"; no_loss "1 instance" "$ONE"
THREE="$(load "$PUBLIC$PAGE" "$SECS")"; no_loss "3 instances" "$THREE"

say "3a. kill -9 of one instance, then a SIGTERM drain of another, under load"
load "$PUBLIC$PAGE" "$SECS" > "$WORK/kill.json" &
WRK=$!
sleep $(( SECS / 3 )); kill -9 "${INSTANCE_PIDS[1]}"; echo "    killed instance 2 (kill -9)"
sleep $(( SECS / 3 )); kill -TERM "${INSTANCE_PIDS[2]}"; echo "    SIGTERM to instance 3 (drain)"
wait "$WRK"; wait "${INSTANCE_PIDS[2]}" 2>/dev/null && echo "    instance 3 drained and exited 0" \
  || die "instance 3 did not exit 0 after SIGTERM"
no_loss "kill -9 + drain" "$(cat "$WORK/kill.json")"
wait "${INSTANCE_PIDS[1]}" 2>/dev/null || true
# nginx's fail_timeout in deploy/nginx.conf: a restarted instance is back in the rotation after it.
BACK_IN_ROTATION=$(( $(sed -n 's/.*fail_timeout=\([0-9]*\)s.*/\1/p' "$ROOT/deploy/nginx.conf" | head -1) + 1 ))
start_instance 1; start_instance 2
sleep "$BACK_IN_ROTATION"

say "3b. rolling restart of all three under load (the next one stopped ${BACK_IN_ROTATION} s after the last is back)"
ROLL_SECS=$(( 4 + 3 * (BACK_IN_ROTATION + 2) )) # outlasts the three restarts
load "$PUBLIC$PAGE" "$ROLL_SECS" > "$WORK/roll.json" &
WRK=$!
sleep 2
for i in 0 1 2; do
  kill -TERM "${INSTANCE_PIDS[$i]}"; wait "${INSTANCE_PIDS[$i]}" || die "instance $((i + 1)) did not exit 0"
  start_instance "$i"; echo "    instance $((i + 1)) restarted"
  sleep "$BACK_IN_ROTATION"
done
wait "$WRK"
no_loss "rolling restart" "$(cat "$WORK/roll.json")"

# -------------------------------------------- 2. server-function URLs of two builds, two dirs
say "2. two builds of this commit in two directories: the same server-function URLs"
# Every `/api/...` string in a binary (a default server-function URL ends in a hash of where it was
# built). Strings in a binary are not delimited, so a few are run-ons ("/api/update_profbled"):
# the two builds must agree on all of them; the report names the endpoints the app declares.
server_fn_strings() { grep -aoE '/api/[A-Za-z_]+[0-9]*' "$1" | sort -u; }
DECLARED="$(grep -rhoE 'endpoint = "[A-Za-z0-9_]+"' src | sed -E 's/.*"(.*)"/\1/' | sort -u)"
# Keep the binary under test: the two builds below share the target dir and replace it.
cp "$CARGO_TARGET_DIR/release/$APP_NAME" "$WORK/bin-ours"
for copy in a b; do
  git clone -q "$ROOT" "$WORK/build-$copy"
  (cd "$WORK/build-$copy" && web_cargo build -q --release -p "$APP_NAME" --no-default-features --features "$SERVER_FEATURES")
  cp "$CARGO_TARGET_DIR/release/$APP_NAME" "$WORK/bin-$copy"
done
cp "$WORK/bin-ours" "$CARGO_TARGET_DIR/release/$APP_NAME"
URLS_A="$(server_fn_strings "$WORK/bin-a")"; URLS_B="$(server_fn_strings "$WORK/bin-b")"
[ -n "$URLS_A" ] || die "no server-function URL found in the binary"
[ "$URLS_A" = "$URLS_B" ] || die "server-function URLs differ between the two builds: $(diff <(echo "$URLS_A") <(echo "$URLS_B"))"
URLS=""
for endpoint in $DECLARED; do
  for copy in a b; do
    grep -qaF "/api/$endpoint" "$WORK/bin-$copy" || die "build $copy has no /api/$endpoint"
  done
  URLS="$URLS /api/$endpoint"
done
echo "    the same $(echo "$URLS_A" | wc -l) /api/ strings in both; declared endpoints:$URLS"


{
  echo "# Scale-out through nginx ($(git rev-parse --short HEAD), $(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Signed-in \`$PAGE\`, wrk -t2 -c16, ${SECS} s per run, release build, 127.0.0.1, $(nproc) cores."
  echo
  echo "| run | requests | req/s | p50 ms | p99 ms | non-200 | socket errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for row in "1 instance:$ONE" "3 instances:$THREE" "kill -9 + drain (3 → 1):$(cat "$WORK/kill.json")" \
             "rolling restart (${ROLL_SECS} s):$(cat "$WORK/roll.json")"; do
    python3 - "$row" <<'PY'
import json, sys
name, data = sys.argv[1].split(':', 1)
d = json.loads(data)
print(f"| {name} | {d['requests']} | {d['req_per_s']} | {d['p50_ms']} | {d['p99_ms']} | {d['non_200']} | {d['socket_errors']} |")
PY
  done
  echo
  echo "Browser: $BROWSER_RESULT; app requests per instance: $SPREAD; OAuth logins completed on another instance: $CROSS_COUNT."
  echo
  echo "Server-function URLs: the same $(echo "$URLS_A" | wc -l) /api/ strings in two builds from two directories; the declared endpoints:$URLS"
} > "$REPORT"
say "report"
cat "$REPORT"
say "scale test passed"
