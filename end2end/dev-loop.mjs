// The dev-loop timer (scripts/bench-dev-loop.sh): edits the <h1> of DEV_LOOP_FILE (a route) while
// `cargo leptos watch` serves BASE_URL, and times, per edit, until the server's HTML carries the
// new text and until the live-reloaded page in Chromium shows it (and then hydrates without an
// error: the page loads the rebuilt WASM, not the first build's). Restores the file at the end
// (and waits for that rebuild). Prints one JSON line: {"server_ms": [...], "browser_ms": [...]}.
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { BASE_URL, launch } from './lib/browser.mjs';

const FILE = process.env.DEV_LOOP_FILE;
const RUNS = Number(process.env.DEV_LOOP_RUNS || 3);
/** Longest wait for one rebuild. */
const TIMEOUT_MS = 5 * 60 * 1000;
const original = readFileSync(FILE, 'utf8');
const HEADING = /<h1>"([^"]*)"<\/h1>/;
if (!HEADING.test(original)) throw new Error(`no <h1>"…"</h1> in ${FILE}`);

/** Milliseconds from `start` until `probe()` returns true (polled every 100 ms). */
async function until(start, what, probe) {
  while (performance.now() - start < TIMEOUT_MS) {
    if (await probe().catch(() => false)) return Math.round(performance.now() - start);
    await sleep(100);
  }
  throw new Error(`${what}: not within ${TIMEOUT_MS / 1000} s`);
}
const serverShows = async (text) => (await (await fetch(BASE_URL)).text()).includes(text);

const browser = await launch();
const page = await browser.newPage();
const server_ms = [];
const browser_ms = [];
try {
  await page.goto(BASE_URL);
  for (let run = 1; run <= RUNS; run += 1) {
    const marker = `dev-loop edit ${run} ${Date.now()}`;
    const start = performance.now();
    writeFileSync(FILE, original.replace(HEADING, `<h1>"${marker}"</h1>`));
    const [server, reloaded] = await Promise.all([
      until(start, 'server HTML', () => serverShows(marker)),
      until(start, 'browser reload', async () => (await page.textContent('h1', { timeout: 1000 })) === marker),
    ]);
    // The reloaded page runs the rebuilt WASM: it hydrates, with no console or hydration error.
    await page.waitForSelector('html[data-hydrated]', { timeout: TIMEOUT_MS });
    if (browser.problems.length) throw new Error(`edit ${run}: ${browser.problems.join('; ')}`);
    server_ms.push(server);
    browser_ms.push(reloaded);
    console.error(`    edit ${run}: server ${server} ms, browser ${reloaded} ms`);
  }
} finally {
  writeFileSync(FILE, original);
  const back = original.match(HEADING)[1];
  await until(performance.now(), 'restored page', () => serverShows(back)).catch(() => {});
  await browser.close();
}
console.log(JSON.stringify({ server_ms, browser_ms }));
