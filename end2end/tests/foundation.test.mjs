// The starter's skeleton: SSR, hydration, the catch-all auth routes and the 404 page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, clickUntilHydrated } from '../lib/browser.mjs';
import { PACKAGE_NAME } from '../lib/package.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('home page is server-rendered, hydrates and reacts to clicks', async () => {
  const page = await browser.newPage();
  const wasmResponse = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('.wasm'));
  const response = await page.goto(`${BASE_URL}/`);
  assert.equal(response.status(), 200);
  const html = await response.text();
  // Leptos marks the dynamic text node with `<!>` comments in SSR HTML.
  assert.match(html, /Clicked (?:<!>)?0(?:<!>)? times/, 'the counter is in the SSR HTML');
  // Content-hashed names (hash-files): <package name>.<hash>.wasm / .js.
  assert.match(html, new RegExp(`/pkg/${PACKAGE_NAME}\\.[\\w-]+\\.wasm`));
  assert.match(html, new RegExp(`/pkg/${PACKAGE_NAME}\\.[\\w-]+\\.js`));
  // Compressed and cached for good (src/server/static_files.rs): a release build's precompressed
  // brotli twin, or gzip on the fly in a debug build (no twins; tests/static_files.rs checks
  // which twin is chosen).
  const wasm = await (await wasmResponse).allHeaders();
  assert.match(wasm['content-encoding'] ?? '', /^(br|gzip)$/, 'the wasm is served compressed');
  assert.equal(wasm['cache-control'], 'public, max-age=31536000, immutable');
  assert.match(response.headers()['cache-control'] ?? '', /no-cache/, 'HTML is revalidated');

  const ms = await clickUntilHydrated(page, '#counter', () =>
    document.querySelector('#counter').textContent.includes('Clicked 1 times'),
  );
  console.log(`hydrated after ${ms} ms`);
  await page.click('#counter');
  await page.click('#counter');
  assert.equal((await page.textContent('#counter')).trim(), 'Clicked 3 times');
  assert.deepEqual(browser.problems, []);
});

for (const path of ['/sign-in', '/sign-in/factor-one', '/sign-up', '/sign-up/verify-email-address']) {
  test(`${path} answers 200`, async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${BASE_URL}${path}`);
    assert.equal(response.status(), 200, `${path} status`);
    assert.deepEqual(browser.problems, []);
  });
}

test('an unknown path answers 404 with the not-found page', async () => {
  browser.expectStatus(404, '/no-such-page');
  const page = await browser.newPage();
  const response = await page.goto(`${BASE_URL}/no-such-page`);
  assert.equal(response.status(), 404);
  assert.match(await page.textContent('main'), /Page not found/);
  assert.deepEqual(browser.problems, []);
});
