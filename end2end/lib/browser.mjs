// Shared helpers for the browser tests: launch the system Chromium headless and collect every
// console error, page error, hydration warning and failed request so a test can assert there
// were none.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Base URL of the server under test: BASE_URL (scripts/e2e.sh starts a release build), else the
 * one `cargo leptos end-to-end` serves (LEPTOS_SITE_ADDR when set, as cargo-leptos reads it).
 */
export const BASE_URL = (
  process.env.BASE_URL || `http://${process.env.LEPTOS_SITE_ADDR || '127.0.0.1:3000'}`
).replace(/\/$/, '');

/**
 * Root URL of the local Clerk dev instance the app uses: embedded at `${BASE_URL}/__clerk`, or
 * the standalone `clerk-dev-instance` (its dev page `/dev`, Backend API `/api`, OAuth endpoints
 * `/oauth/*`) when the app runs in its production configuration (scripts/e2e.sh sets it).
 */
export const CLERK_DEV_URL = (process.env.CLERK_DEV_URL || `${BASE_URL}/__clerk`).replace(/\/$/, '');

/** The path of `CLERK_DEV_URL` (`/__clerk`, or `` at the root of its own origin). */
export const CLERK_DEV_PATH = new URL(CLERK_DEV_URL).pathname.replace(/\/$/, '');

/** Chromium from the OS packages; Playwright's own browser download is never used. */
const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** `blob:` and `data:` URLs name in-page objects; the browser sends no request for them. */
const isInPage = (url) => url.startsWith('blob:') || url.startsWith('data:');

/**
 * Starts a fresh browser profile. Returns { context, newPage, problems, requests, close }, where
 * `problems` lists console errors, page errors, hydration warnings and HTTP errors seen on any
 * page opened with `newPage()`, and `requests` every network request the browser made
 * (`{ method, url }`, `blob:`/`data:` URLs left out), to check where the browser went.
 */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'lcs-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE,
    headless: true,
    args: ARGS,
  });
  const problems = [];
  const requests = [];
  const expectedStatuses = new Set();
  const expectedPatterns = [];
  const expected = (key) => expectedStatuses.has(key) || expectedPatterns.some((p) => p.test(key));
  const watch = (page) => {
    page.on('pageerror', (e) => problems.push(`page error: ${e}`));
    page.on('console', (m) => {
      const text = m.text();
      if (m.type() === 'error' && !text.startsWith('Failed to load resource')) {
        problems.push(`console error: ${text}`);
      } else if (/hydrat/i.test(text) && m.type() !== 'log') {
        problems.push(`hydration ${m.type()}: ${text}`);
      }
    });
    page.on('response', (r) => {
      const key = `${r.status()} ${new URL(r.url()).pathname}`;
      if (r.status() >= 400 && !expected(key)) problems.push(`HTTP ${key}`);
    });
    // Documents this page has shown; a request remembers the one that made it. A new document
    // starts when a main-frame navigation commits (not with a history.pushState): until then the
    // page being left still runs, and what it requests in that moment (ClerkJS fetching the
    // organization switcher's lists right after `goto`) is its own, cancelled by the leaving.
    let document = 0;
    let leaving = false;
    const madeFor = new WeakMap();
    page.on('request', (r) => {
      if (r.isNavigationRequest() && r.frame() === page.mainFrame()) leaving = true;
      madeFor.set(r, document);
    });
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && leaving) {
        leaving = false;
        document += 1;
      }
    });
    page.on('requestfailed', (r) => {
      // `blob:`/`data:` URLs are in-page objects, not requests to a server: ClerkJS starts its
      // timer worker from a blob, and leaving the page while it loads aborts it. Left out here as
      // in `requests`; every real network failure still counts.
      if (isInPage(r.url())) return;
      // Leaving a page cancels what it was still loading: that abort is the test's navigation,
      // not a failure. So is an abort of a ClerkJS / @clerk/ui bundle file: @clerk/ui prefetches
      // its lazy chunks and drops a prefetch it no longer needs when the auth state changes
      // (seen once in a full run of oauth.test.mjs); a chunk that really fails to load still shows
      // up, as a console error (ChunkLoadError) or an HTTP error. Every other abort counts.
      const error = r.failure()?.errorText;
      const clerkBundle = new URL(r.url()).pathname.includes('/npm/@clerk/');
      if (error === 'net::ERR_ABORTED' && (madeFor.get(r) !== document || clerkBundle)) return;
      problems.push(`request failed: ${r.url()} ${error}`);
    });
    return page;
  };
  context.on('page', watch);
  context.on('request', (r) => {
    const url = r.url();
    if (!isInPage(url)) requests.push({ method: r.method(), url });
  });
  return {
    context,
    problems,
    requests,
    /**
     * A response status the test expects (e.g. `404 /no-such-page`); not a problem. `path` may be
     * a RegExp matched against the whole path (for paths carrying ids).
     */
    expectStatus: (status, path) => {
      if (path instanceof RegExp) {
        expectedPatterns.push(new RegExp(`^${status} ${path.source.replace(/^\^/, '')}`));
      } else {
        expectedStatuses.add(`${status} ${path}`);
      }
    },
    newPage: async () => context.newPage(),
    close: () => context.close(),
  };
}

/**
 * Waits until the WASM has hydrated the page: clicks `selector` until `done()` holds in the page
 * (a click before hydration does nothing, since SSR HTML has no event handlers).
 * Returns the number of milliseconds it took.
 */
export async function clickUntilHydrated(page, selector, done, timeoutMs = 15000) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    await page.click(selector);
    try {
      await page.waitForFunction(done, null, { timeout: 150 });
      return Date.now() - start;
    } catch {
      // not hydrated yet
    }
  }
  throw new Error(`page never hydrated: clicking ${selector} had no effect for ${timeoutMs} ms`);
}

/**
 * Fills ClerkJS's <SignIn/> on `page` (already on a sign-in page): the identifier and, if shown,
 * the password on the first screen, else on the second one; then submits.
 */
export async function signIn(page, email, password, timeout = 20000) {
  await page.waitForSelector('input[name=identifier]', { timeout });
  await page.fill('input[name=identifier]', email);
  const passwordField = page.locator('input[name=password]');
  if (await passwordField.isVisible()) {
    await passwordField.fill(password);
    await page.click('.cl-formButtonPrimary');
  } else {
    await page.click('.cl-formButtonPrimary');
    await page.waitForSelector('input[name=password]', { state: 'visible', timeout });
    await page.fill('input[name=password]', password);
    await page.click('.cl-formButtonPrimary');
  }
}
