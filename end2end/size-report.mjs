// Page weight in Chromium, for scripts/size-report.sh (not a test: `node --test` reads tests/).
// Prints Markdown: the bytes the browser downloads for `/` (first and repeat visit, signed out
// and signed in), the time until `/` and `/profile` are interactive with a throttled CPU and
// network, and (signed in) how long a link click between them takes on the same throttling.
// Bytes are CDP `Network.loadingFinished` encodedDataLength (headers + body as sent).
//
// Env: BASE_URL (server under test), SIZE_REPORT_USER=email:password (a user the dev instance
// knows), SIZE_REPORT_RUNS (runs per timed case, median reported; default 3).
import { BASE_URL, launch, signIn } from './lib/browser.mjs';

const [EMAIL, PASSWORD] = (process.env.SIZE_REPORT_USER || '').split(/:(.*)/s);
const RUNS = Number(process.env.SIZE_REPORT_RUNS || 3);
const TIMEOUT = 60000;
/** Slow network of the time-to-interactive runs: 1.6 Mbps down, 750 kbps up, 150 ms RTT. */
const SLOW_NETWORK = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
};
const CPU_SLOWDOWN = 4;

/** Marks when the page hydrated (`<html data-hydrated>`, set by `hydrate()`) and Clerk loaded. */
function installProbe() {
  const check = () => {
    if (!window.__lcsHydratedAt && document.documentElement?.hasAttribute('data-hydrated')) {
      window.__lcsHydratedAt = performance.now();
    }
    if (!window.__lcsClerkLoadedAt && window.Clerk?.loaded) {
      window.__lcsClerkLoadedAt = performance.now();
    }
  };
  const timer = setInterval(() => {
    check();
    if (window.__lcsHydratedAt && window.__lcsClerkLoadedAt) clearInterval(timer);
  }, 4);
}

const waitInteractive = (page) =>
  page.waitForFunction(() => window.__lcsHydratedAt && window.__lcsClerkLoadedAt, null, {
    timeout: TIMEOUT,
  });

/** What a request was for: the app's own files, ClerkJS/@clerk/ui bundles, or Clerk's API. */
function kind(url) {
  const { pathname } = new URL(url);
  if (pathname.startsWith('/__clerk/npm/')) return 'clerkjs';
  if (pathname.startsWith('/__clerk/')) return 'clerk-api';
  return 'app';
}

/** Records every response the page's network stack finished, with its bytes on the wire. */
async function recordNetwork(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const byId = new Map();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!e.request.url.startsWith('http')) return;
    byId.set(e.requestId, { url: e.request.url, bytes: 0, status: 0, encoding: '', cached: false });
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = byId.get(e.requestId);
    if (!r) return;
    const headers = Object.fromEntries(
      Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]),
    );
    r.status = e.response.status;
    r.encoding = headers['content-encoding'] || '';
    r.cached = Boolean(e.response.fromDiskCache || e.response.fromMemoryCache);
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const r = byId.get(e.requestId);
    if (r) r.cached = true;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = byId.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  });
  return { cdp, entries: () => [...byId.values()] };
}

/** Waits until no request finished for `quietMs` (ClerkJS loads lazy chunks after `load`). */
async function settle(entries, quietMs = 800) {
  let last = -1;
  for (;;) {
    const count = entries().reduce((n, r) => n + r.bytes + 1, 0);
    if (count === last) return;
    last = count;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

/** A fresh browser (empty cache); signed in when `cookies` are given. */
async function freshBrowser(cookies) {
  const browser = await launch();
  if (cookies) await browser.context.addCookies(cookies);
  return browser;
}

/** Signs the size-report user in once; returns the session cookies. */
async function signedInCookies() {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`${BASE_URL}/sign-in`);
    await signIn(page, EMAIL, PASSWORD, TIMEOUT);
    await page.waitForFunction(() => window.Clerk?.user?.id, null, { timeout: TIMEOUT });
    await page.waitForFunction(() => document.cookie.includes('__session='), null, { timeout: TIMEOUT });
    return await browser.context.cookies();
  } finally {
    await browser.close();
  }
}

/** Loads `/` twice in one browser; returns the requests of each visit. */
async function visits(cookies) {
  const browser = await freshBrowser(cookies);
  try {
    const result = [];
    const page = await browser.newPage();
    await page.addInitScript(installProbe);
    const net = await recordNetwork(browser.context, page);
    let seen = 0;
    for (let i = 0; i < 2; i++) {
      await page.goto(`${BASE_URL}/`);
      await waitInteractive(page);
      await settle(net.entries);
      const all = net.entries();
      result.push(all.slice(seen));
      seen = all.length;
    }
    return result;
  } finally {
    await browser.close();
  }
}

/**
 * Slows `page` down to SLOW_NETWORK and CPU_SLOWDOWN; returns the CDP session holding the
 * emulation (detaching it ends the throttling).
 */
async function throttle(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_NETWORK);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  return cdp;
}

/** Time to interactive of `path` with a throttled CPU and network, cold cache. */
async function interactive(path, cookies) {
  const browser = await freshBrowser(cookies);
  try {
    const page = await browser.newPage();
    await page.addInitScript(installProbe);
    await throttle(browser.context, page);
    await page.goto(`${BASE_URL}${path}`, { timeout: TIMEOUT });
    await waitInteractive(page);
    return await page.evaluate(() => ({
      path: location.pathname,
      hydrated: Math.round(window.__lcsHydratedAt),
      clerk: Math.round(window.__lcsClerkLoadedAt),
    }));
  } finally {
    await browser.close();
  }
}

/** The header is usable: hydrated, ClerkJS loaded and the UserButton mounted by it. */
const headerReady = () =>
  Boolean(
    document.documentElement.hasAttribute('data-hydrated') &&
      window.Clerk?.loaded &&
      document.querySelector('[data-cl-mount="user-button"] .cl-userButtonTrigger'),
  );

/**
 * Clicks the link to `path` and times, from the click, until `contentSelector` is on the page and
 * until the header is usable again. Polls from Node, so it works whether the click is a
 * client-side navigation or a page load.
 */
async function timeClick(page, path, contentSelector) {
  const start = Date.now();
  await page.click(`header a[href="${path}"]`);
  await page.waitForURL(`${BASE_URL}${path}`, { waitUntil: 'commit', timeout: TIMEOUT });
  let content = 0;
  while (Date.now() - start < TIMEOUT) {
    try {
      if (!content && (await page.$(contentSelector))) content = Date.now() - start;
      if (content && (await page.evaluate(headerReady))) return { content, ready: Date.now() - start };
    } catch {
      // the page is being replaced (a page load); ask again
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`clicking the link to ${path} did not finish within ${TIMEOUT} ms`);
}

/** The timed link clicks, in order from `/`: [from, to, an element only the `to` page has]. */
const CLICKS = [
  ['/', '/profile', '#profile-name'],
  ['/profile', '/', '#auth-status'],
];

/**
 * The CLICKS, signed in, warm cache, throttled CPU and network: what every navigation after the
 * first costs (a client-side route change here; a page load in an app without a client-side
 * router, such as the islands spike of the README). Returns each click's runs, in CLICKS order.
 */
async function navigations(cookies) {
  const browser = await freshBrowser(cookies);
  try {
    const page = await browser.newPage();
    const times = CLICKS.map(() => []);
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${BASE_URL}/`, { timeout: TIMEOUT });
      await page.waitForFunction(headerReady, null, { timeout: TIMEOUT });
      const cdp = await throttle(browser.context, page);
      for (const [n, [, to, contentSelector]] of CLICKS.entries()) {
        times[n].push(await timeClick(page, to, contentSelector));
      }
      await cdp.detach();
    }
    return times;
  } finally {
    await browser.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kB = (n) => (n / 1000).toFixed(1);

function sum(requests, which) {
  return requests.filter((r) => kind(r.url) === which).reduce((n, r) => n + r.bytes, 0);
}

function requestTable(title, requests) {
  const rows = requests
    .filter((r) => r.bytes > 0 || !r.cached)
    .map((r) => {
      const { pathname } = new URL(r.url);
      const name = pathname.length > 70 ? `…${pathname.slice(-69)}` : pathname;
      return `| ${name} | ${r.status} | ${r.encoding || '—'} | ${kB(r.bytes)} |`;
    });
  const cached = requests.filter((r) => r.cached && r.bytes === 0).length;
  return [
    `#### ${title}`,
    '',
    '| request | status | encoding | kB on the wire |',
    '|---|---|---|---:|',
    ...rows,
    '',
    `(${cached} more served from the browser cache without a request)`,
    '',
  ].join('\n');
}

async function main() {
  const out = [];
  const cookies = EMAIL ? await signedInCookies() : null;
  const scenarios = [['signed out', null]];
  if (cookies) scenarios.push(['signed in', cookies]);

  out.push('### Bytes on the wire for `/` (Chromium, no throttling)', '');
  out.push('| visit | app (HTML+JS+wasm+CSS) kB | ClerkJS + @clerk/ui kB | Clerk API kB | requests |');
  out.push('|---|---:|---:|---:|---:|');
  const details = [];
  for (const [label, c] of scenarios) {
    const [first, repeat] = await visits(c);
    for (const [visit, reqs] of [['first', first], ['repeat', repeat]]) {
      const sent = reqs.filter((r) => r.bytes > 0).length;
      out.push(
        `| ${label}, ${visit} | ${kB(sum(reqs, 'app'))} | ${kB(sum(reqs, 'clerkjs'))} | ${kB(sum(reqs, 'clerk-api'))} | ${sent} |`,
      );
      details.push(requestTable(`${label}, ${visit} visit`, reqs));
    }
  }
  out.push('');

  out.push(
    `### Time to interactive (ms from navigation start; ${CPU_SLOWDOWN}× CPU slowdown, 1.6 Mbps / 150 ms RTT, cold cache; median of ${RUNS})`,
    '',
  );
  out.push('| page | landed on | hydrated | Clerk loaded |', '|---|---|---:|---:|');
  for (const [label, c] of scenarios) {
    for (const path of ['/', '/profile']) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await interactive(path, c));
      out.push(
        `| ${path} ${label} | ${runs[0].path} | ${median(runs.map((r) => r.hydrated))} | ${median(runs.map((r) => r.clerk))} |`,
      );
    }
  }
  if (cookies) {
    out.push(
      '',
      `### Link clicks, signed in (ms from the click; ${CPU_SLOWDOWN}× CPU slowdown, 1.6 Mbps / 150 ms RTT, warm cache; median of ${RUNS})`,
      '',
      '| click | content shown | header usable (UserButton mounted) |',
      '|---|---:|---:|',
    );
    const times = await navigations(cookies);
    for (const [n, [from, to]] of CLICKS.entries()) {
      const runs = times[n];
      out.push(
        `| ${from} → ${to} | ${median(runs.map((r) => r.content))} | ${median(runs.map((r) => r.ready))} |`,
      );
    }
  }
  out.push('', '### Requests', '', ...details);
  console.log(out.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
