// "Sign in with Clerk" over OAuth with the local dev instance as the provider: /oauth-demo →
// /auth/clerk/login → the instance's sign-in form → back on /oauth-demo; logout; tampering.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, CLERK_DEV_URL, CLERK_DEV_PATH, launch } from '../lib/browser.mjs';
import { PACKAGE_NAME } from '../lib/package.mjs';

const EMAIL = `oauth-e2e-${Date.now()}@example.com`;
const PASSWORD = 'oauth-e2e-password-123';

let browser;
before(async () => {
  browser = await launch();
  // Seed a user through the dev instance's Backend API, with the secret key its dev page shows.
  const devPage = await (await fetch(`${CLERK_DEV_URL}/dev`)).text();
  const secretKey = devPage.match(/<code id="secret-key">([^<]+)<\/code>/)?.[1];
  assert.ok(secretKey, 'the dev page shows the secret key');
  const created = await fetch(`${CLERK_DEV_URL}/api/v1/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email_address: [EMAIL], password: PASSWORD, first_name: 'Olga' }),
  });
  assert.equal(created.status, 200, await created.text());
});
after(async () => {
  await browser?.close();
});

/** `/oauth-demo` fetched without following redirects, with the browser's cookies. */
async function demoWithoutRedirects() {
  return browser.context.request.get(`${BASE_URL}/oauth-demo`, {
    maxRedirects: 0,
    headers: { accept: 'text/html' },
  });
}

/** Waits until ClerkJS has loaded on `page` (every page of the app loads it). */
const clerkLoaded = (page) =>
  page.waitForFunction(() => window.Clerk?.loaded === true, null, { timeout: 30000 });

test('sign in with Clerk over OAuth, sign out, and a tampered cookie is refused', async () => {
  const page = await browser.newPage();
  browser.expectStatus(401, `${CLERK_DEV_PATH}/oauth/authorize`);

  const started = performance.now();
  const before = browser.requests.length;
  await page.goto(`${BASE_URL}/oauth-demo`);
  await page.waitForURL((url) => url.href.startsWith(`${CLERK_DEV_URL}/oauth/authorize?`));
  const authorizeUrl = new URL(page.url());
  assert.equal(authorizeUrl.searchParams.get('client_id'), `${PACKAGE_NAME}-demo`);
  assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
  const path = (r) => new URL(r.url).pathname;
  assert.ok(
    browser.requests.slice(before).some((r) => path(r) === '/auth/clerk/login'),
    'went through /auth/clerk/login',
  );

  // Wrong password: the form says so and stays.
  await page.fill('#email', EMAIL);
  await page.fill('#password', 'not-the-password');
  await page.click('button[value="sign_in"]');
  assert.match(await page.textContent('#oauth-error'), /Wrong email or password/);

  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${BASE_URL}/oauth-demo`), page.click('button[value="sign_in"]')]);
  assert.equal((await page.textContent('#oauth-email')).trim(), EMAIL);
  const elapsed = Math.round(performance.now() - started);
  const trip = browser.requests.slice(before);
  const documents = trip.filter((r) => !/\.(js|wasm|css|svg)$/.test(path(r)));
  console.log(
    `one OAuth login round trip (incl. one wrong password): ${trip.length} requests ` +
      `(${documents.length} without assets: ${documents.map((r) => `${r.method} ${path(r)}`).join(', ')}) in ${elapsed} ms`,
  );

  // The OAuth form signed the browser in at the Clerk instance too (one Clerk client per browser,
  // as with Clerk's own hosted pages), so Clerk's Frontend API answers this page's ClerkJS with a
  // signed-in `__client_uat`; until ClerkJS has also written `__session`, a document request is
  // (rightly) sent through Clerk's handshake first. Wait for that, so the checks below see only
  // the app's own OAuth session.
  await clerkLoaded(page);
  await page.waitForFunction(
    () => !/(^|; )__client_uat=[1-9]/.test(document.cookie) || /(^|; )__session=/.test(document.cookie),
    null,
    { timeout: 20000 },
  );

  // Tampered session cookie → not signed in.
  const cookies = await browser.context.cookies(BASE_URL);
  const session = cookies.find((c) => c.name === '__app_session');
  assert.ok(session, 'the app session cookie is set');
  assert.ok(session.httpOnly, 'HttpOnly');
  const middle = Math.floor(session.value.length / 2);
  const flipped = session.value[middle] === 'A' ? 'B' : 'A';
  const tampered = session.value.slice(0, middle) + flipped + session.value.slice(middle + 1);
  await browser.context.addCookies([{ ...session, value: tampered }]);
  let response = await demoWithoutRedirects();
  assert.equal(response.status(), 302, 'tampered cookie: redirected to login');
  assert.match(response.headers().location, /^\/auth\/clerk\/login\?successRedirect=%2Foauth-demo/);
  await browser.context.addCookies([session]);
  response = await demoWithoutRedirects();
  assert.equal(response.status(), 200, 'the genuine cookie is still a session');

  // Let ClerkJS finish loading on this page first: leaving a page mid-load cancels its requests.
  await clerkLoaded(page);
  // Logout: the app session ends; /oauth-demo redirects to the login route again.
  await Promise.all([page.waitForURL(`${BASE_URL}/`), page.click('#oauth-logout')]);
  await clerkLoaded(page);
  assert.ok(!(await browser.context.cookies(BASE_URL)).some((c) => c.name === '__app_session'));
  response = await demoWithoutRedirects();
  assert.equal(response.status(), 302);
  assert.match(response.headers().location, /^\/auth\/clerk\/login/);

  // Still signed in at the instance: the next login needs no form.
  const again = browser.requests.length;
  const startedAgain = performance.now();
  await page.goto(`${BASE_URL}/oauth-demo`);
  await page.waitForSelector('#oauth-email');
  assert.equal((await page.textContent('#oauth-email')).trim(), EMAIL);
  const second = browser.requests.slice(again);
  assert.ok(!second.some((r) => r.method === 'POST' && r.url.startsWith(`${CLERK_DEV_URL}/oauth/authorize`)));
  console.log(
    `re-login with an instance session: ${second.length} requests in ${Math.round(performance.now() - startedAgain)} ms`,
  );
  assert.deepEqual(browser.problems, []);
});
