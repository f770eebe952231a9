// No secret reaches the browser: every response the app sends a browser — pages signed out and
// signed in, their scripts, WASM and stylesheets, server-function and Frontend API answers — is
// searched for the instance's secret key and for anything shaped like a Clerk secret key.
// (The dev instance's own admin page, /__clerk/dev, shows the key on purpose and is left out.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, CLERK_DEV_URL, CLERK_DEV_PATH, launch, signIn } from '../lib/browser.mjs';
import { HAS_DEMO_PAGES } from '../lib/package.mjs';

/** The pages searched: the home page, the client-state demo page when there is one, the profile. */
const PAGES = HAS_DEMO_PAGES ? ['/', '/client', '/profile'] : ['/', '/profile'];

const EMAIL = `secrets-${Date.now()}@example.com`;
const PASSWORD = 'a-long-password-456';
const UI_TIMEOUT = 20000;
/** A Clerk secret key: the prefix and a long key body. */
const SECRET_SHAPE = /sk_(?:test|live)_[A-Za-z0-9]{16,}/;

let browser;
let secretKey;
/** Every response body the browser received: { url, body (latin1 text) }. */
const seen = [];

before(async () => {
  const devPage = await (await fetch(`${CLERK_DEV_URL}/dev`)).text();
  secretKey = devPage.match(/<code id="secret-key">([^<]+)<\/code>/)?.[1];
  assert.ok(secretKey, 'the dev page shows the secret key');
  const created = await fetch(`${CLERK_DEV_URL}/api/v1/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email_address: [EMAIL], password: PASSWORD }),
  });
  assert.equal(created.status, 200, 'a user is seeded through the Backend API');
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A page that records the body of every response from the app's origin. */
async function recordingPage() {
  const page = await browser.newPage();
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (url.origin !== new URL(BASE_URL).origin || url.pathname.startsWith('/__clerk/dev')) return;
    if (response.status() >= 300 && response.status() < 400) return;
    try {
      seen.push({ url: url.pathname, body: (await response.body()).toString('latin1') });
    } catch {
      // a response without a body (HEAD, aborted): nothing to search
    }
  });
  return page;
}

test('signed out and signed in, no response carries a secret key', async () => {
  const page = await recordingPage();
  for (const path of PAGES) {
    await page.goto(`${BASE_URL}${path}`, { waitUntil: 'networkidle' });
  }
  // /profile redirected to the sign-in page: sign in there and come back.
  await signIn(page, EMAIL, PASSWORD, UI_TIMEOUT);
  await page.waitForSelector('[data-cl-mount="user-button"][data-cl-mounted="true"]', {
    timeout: UI_TIMEOUT,
  });
  for (const path of PAGES) {
    await page.goto(`${BASE_URL}${path}`, { waitUntil: 'networkidle' });
  }
  const html = await page.content();
  assert.match(html, new RegExp(EMAIL.replace(/[.]/g, '\\.')), 'the signed-in profile page was searched');

  const kinds = new Set(seen.map(({ url }) => url.split('.').pop()));
  for (const kind of ['js', 'wasm', 'css']) {
    assert.ok(kinds.has(kind), `a .${kind} asset was searched (saw: ${[...kinds].join(', ')})`);
  }
  for (const { url, body } of seen) {
    assert.ok(!body.includes(secretKey), `${url} contains the instance's secret key`);
    if (!url.startsWith('/__clerk/')) {
      assert.doesNotMatch(body, SECRET_SHAPE, `${url} contains something shaped like a secret key`);
    }
  }
  console.log(`searched ${seen.length} responses`);
});
