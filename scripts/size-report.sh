#!/usr/bin/env bash
# size-report.sh — page weight of the release build: raw / gzip / brotli bytes of every asset
# (target/site, and the ClerkJS bundles the local dev instance serves), then, in Chromium, the
# bytes downloaded for `/` (first and repeat visit, signed out and signed in) and the time until
# `/` and `/profile` are interactive on a throttled CPU and network. Writes target/size-report.md
# and prints it.
#
# SIZE_REPORT_SKIP_BUILD=1 measures the existing build; SIZE_REPORT_RUNS=n sets the number of
# time-to-interactive runs per case (median; default 3).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

if [ "${SIZE_REPORT_SKIP_BUILD:-}" != 1 ]; then
  say "release build"
  web_cargo "${DEV_INSTANCE_BUILD[@]}"
fi
bash crates/clerk_dev_instance/fetch-assets.sh "$ROOT/.clerk-dev/assets" >/dev/null
[ -d end2end/node_modules/playwright-core ] || (cd end2end && npm ci)

REPORT="$ROOT/target/size-report.md"
say "asset sizes"
# Every file of the site (its .br/.gz twins counted as the "served" size) and the two ClerkJS
# entry bundles. gzip -9 and brotli q11 are what a build-time compressor reaches.
ASSETS="$(find target/site -type f ! -name '*.br' ! -name '*.gz' | sort
          ls .clerk-dev/assets/clerk-js/dist/clerk.browser.js .clerk-dev/assets/ui/dist/ui.browser.js)"
ASSET_TABLE="$(node - $ASSETS <<'JS'
const fs = require('node:fs');
const zlib = require('node:zlib');
const kB = (n) => (n / 1000).toFixed(1);
const rows = ['| file | raw kB | gzip -9 kB | brotli 11 kB | precompressed next to it |', '|---|---:|---:|---:|---|'];
const total = [0, 0, 0];
for (const file of process.argv.slice(2)) {
  const raw = fs.readFileSync(file);
  const gz = zlib.gzipSync(raw, { level: 9 }).length;
  const br = zlib.brotliCompressSync(raw, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  }).length;
  const twins = ['br', 'gz'].filter((ext) => fs.existsSync(`${file}.${ext}`))
    .map((ext) => `.${ext} ${kB(fs.statSync(`${file}.${ext}`).size)}`).join(', ') || '—';
  if (!file.startsWith('.clerk-dev')) [raw.length, gz, br].forEach((n, i) => (total[i] += n));
  rows.push(`| ${file.replace(/^\.clerk-dev\/assets\//, '(dev instance) ')} | ${kB(raw.length)} | ${kB(gz)} | ${kB(br)} | ${twins} |`);
}
rows.push(`| **site total** | ${total.map(kB).join(' | ')} | |`);
console.log(rows.join('\n'));
JS
)"

say "Chromium: bytes on the wire and time to interactive"
USER_CREDENTIALS="size-report@example.com:a-long-password-123"
# Tokens outlive the run, so no page load needs a handshake redirect in the middle of a number.
export CLERK_DEV_DEMO_USER="$USER_CREDENTIALS" CLERK_DEV_TOKEN_LIFETIME_SECS=3600
start_dev_instance_server "$LCS_CACHE_DIR/size-report-logs"
trap stop_server EXIT
BROWSER_TABLES="$(cd end2end && BASE_URL="$SERVER_URL" SIZE_REPORT_USER="$USER_CREDENTIALS" node size-report.mjs)"

{
  echo "# Page weight ($(git rev-parse --short HEAD)$(git diff --quiet || echo ', uncommitted changes'), $(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "### Assets"
  echo
  echo "$ASSET_TABLE"
  echo
  echo "$BROWSER_TABLES"
} > "$REPORT"
cat "$REPORT"
echo
echo "    written to $REPORT"
