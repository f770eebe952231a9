// Plans and features in the browser, offline: the local Clerk dev instance puts the user's
// `dev_instance_billing` private metadata (set through its Backend API) into the session
// token's `pla`/`fea` claims; /client shows `use_auth().has(Check::Plan("pro"))`,
// `has(Check::Feature("u:reports"))` and a `<Show when=When::Plan("pro")>` block, as the
// server renders them and after ClerkJS has loaded. A user without the metadata gets false and
// the fallback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, CLERK_DEV_URL, launch, signIn } from '../lib/browser.mjs';

const STAMP = Date.now();
const PRO = `e2e-pro-${STAMP}@example.com`;
const FREE = `e2e-free-${STAMP}@example.com`;
const PASSWORD = 'a-long-password-123';
const UI_TIMEOUT = 20000;

let key;
let browsers = [];

/** The dev instance's secret key, as its /__clerk/dev page shows it. */
async function secretKey() {
  const html = await (await fetch(`${CLERK_DEV_URL}/dev`)).text();
  const match = html.match(/<code id="secret-key">([^<]+)<\/code>/);
  assert.ok(match, 'the dev page shows the secret key');
  return match[1];
}

/** A Backend API call of the dev instance; returns the JSON answer. */
async function bapi(method, path, body) {
  const response = await fetch(`${CLERK_DEV_URL}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

const createUser = async (email) =>
  (await bapi('POST', '/v1/users', { email_address: [email], password: PASSWORD })).id;

/** Signs `email` in, opens /client and waits for ClerkJS; returns the page and its browser. */
async function clientPageOf(email) {
  const browser = await launch();
  browsers.push(browser);
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}/sign-in?redirect_url=${encodeURIComponent('/client')}`);
  await signIn(page, email, PASSWORD, UI_TIMEOUT);
  await page.waitForURL(`${BASE_URL}/client`, { timeout: UI_TIMEOUT });
  await page.waitForFunction(() => window.Clerk?.loaded === true, null, { timeout: UI_TIMEOUT });
  return { browser, page };
}

/** What the server renders for /client with the browser's cookies (before any script runs). */
async function serverRendered(page) {
  await page.evaluate(() => window.Clerk.session.getToken({ skipCache: true }));
  const response = await page.context().request.get(`${BASE_URL}/client`);
  assert.equal(response.status(), 200);
  return response.text();
}

before(async () => {
  key = await secretKey();
  const proId = await createUser(PRO);
  await createUser(FREE);
  await bapi('PATCH', `/v1/users/${proId}/metadata`, {
    private_metadata: { dev_instance_billing: { plans: ['pro'], features: ['reports'] } },
  });
});
after(async () => {
  for (const browser of browsers) await browser.close();
});

test('a user on the pro plan: has(plan), has(feature) and <Show when=Plan> pass, server and browser', async () => {
  const { browser, page } = await clientPageOf(PRO);
  const html = await serverRendered(page);
  assert.match(html, /id="has-plan-pro"[^>]*>true</);
  assert.match(html, /id="has-feature-reports"[^>]*>true</);
  await page.waitForSelector('#plan-content', { timeout: UI_TIMEOUT });
  assert.equal(await page.textContent('#has-plan-pro'), 'true');
  assert.equal(await page.textContent('#has-feature-reports'), 'true');
  assert.equal(await page.locator('#plan-fallback').count(), 0);
  assert.deepEqual(browser.problems, []);
});

test('a user without a plan: has() is false and <Show> shows its fallback', async () => {
  const { browser, page } = await clientPageOf(FREE);
  const html = await serverRendered(page);
  assert.match(html, /id="has-plan-pro"[^>]*>false</);
  await page.waitForSelector('#plan-fallback', { timeout: UI_TIMEOUT });
  assert.equal(await page.textContent('#has-plan-pro'), 'false');
  assert.equal(await page.textContent('#has-feature-reports'), 'false');
  assert.equal(await page.locator('#plan-content').count(), 0);
  assert.deepEqual(browser.problems, []);
});
