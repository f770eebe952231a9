// The browser half of scripts/scale-test.sh: through nginx in front of three app instances, a
// browser signs up (email code from the dev instance), signs out, signs in again, and stays
// signed in over many page loads that nginx spreads over the instances; then it signs in with
// Clerk over OAuth several times (the login and its callback land on different instances, which
// only works because they share SESSION_SECRET — scale-test.sh checks that in nginx's log).
// Writes the session cookies for the load test to $SCALE_COOKIE_FILE and prints JSON results.
//
// Env: BASE_URL (nginx), CLERK_DEV_URL (the dev instance), SCALE_COOKIE_FILE, SCALE_PAGE_LOADS,
// SCALE_OAUTH=0 (a project without the OAuth example). A project without the demo pages
// (HAS_DEMO_PAGES) has no /protected and no /oauth-demo.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { BASE_URL, CLERK_DEV_URL, launch, signIn } from './lib/browser.mjs';
import { HAS_DEMO_PAGES } from './lib/package.mjs';

const UI_TIMEOUT = 30000;
const EMAIL = `scale-${Date.now()}@example.com`;
const PASSWORD = 'scale-test-password-123';
const PAGE_LOADS = Number(process.env.SCALE_PAGE_LOADS || 30);
const OAUTH_LOGINS = HAS_DEMO_PAGES && process.env.SCALE_OAUTH !== '0' ? 3 : 0;
const SIGNED_IN_PAGES = HAS_DEMO_PAGES ? ['/', '/protected', '/profile'] : ['/', '/profile'];

async function codeFromDevPage(email) {
  const html = await (await fetch(`${CLERK_DEV_URL}/dev`)).text();
  const marker = `<td class="email">${email}</td><td class="code">`;
  const at = html.indexOf(marker);
  assert.ok(at >= 0, `the dev page lists a code for ${email}`);
  return html.slice(at + marker.length, at + marker.length + 6);
}

const signedInHtml = (html) => /You are signed in/.test(html);
/** Leaving a page before ClerkJS has loaded cancels its requests: wait for it first. */
const clerkLoaded = (page) =>
  page.waitForFunction(() => window.Clerk?.loaded === true, null, { timeout: UI_TIMEOUT });
const userMenu = (page) =>
  page.waitForSelector('[data-cl-mount="user-button"][data-cl-mounted="true"]', { timeout: UI_TIMEOUT });

const browser = await launch();
const page = await browser.newPage();
const results = {};
try {
  // Sign up through nginx.
  await page.goto(`${BASE_URL}/sign-up`);
  await page.waitForSelector('[data-cl-mount="sign-up"] input[name=emailAddress]', { timeout: UI_TIMEOUT });
  await page.fill('input[name=emailAddress]', EMAIL);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('.cl-formButtonPrimary');
  const codeInput = 'input[autocomplete="one-time-code"], .cl-otpCodeFieldInput';
  await page.waitForSelector(codeInput, { timeout: UI_TIMEOUT });
  await page.locator(codeInput).first().focus();
  await page.keyboard.type(await codeFromDevPage(EMAIL));
  await page.waitForURL(`${BASE_URL}/`, { timeout: UI_TIMEOUT });
  await userMenu(page);

  // Sign out (ClerkJS), then sign in again through <SignIn/>.
  await page.evaluate(() => window.Clerk.signOut());
  await page.waitForFunction(() => !window.Clerk?.user, null, { timeout: UI_TIMEOUT });
  await page.goto(`${BASE_URL}/sign-in`);
  await signIn(page, EMAIL, PASSWORD, UI_TIMEOUT);
  await page.waitForURL(`${BASE_URL}/`, { timeout: UI_TIMEOUT });
  await userMenu(page);

  // Stay signed in while page loads are spread over the instances.
  let signedIn = 0;
  for (let i = 0; i < PAGE_LOADS; i++) {
    const path = SIGNED_IN_PAGES[i % SIGNED_IN_PAGES.length];
    const response = await page.goto(`${BASE_URL}${path}`);
    assert.equal(response.status(), 200, `${path} answers 200`);
    const html = await response.text();
    if (path === '/') assert.ok(signedInHtml(html), `load ${i}: the server rendered / signed in`);
    if (path === '/protected') assert.match(html, /user_[A-Za-z0-9]+/, `load ${i}: /protected shows the user id`);
    await clerkLoaded(page);
    signedIn += 1;
  }
  results.signed_in_page_loads = signedIn;

  // "Sign in with Clerk" (OAuth): the instance session makes later logins form-less.
  let oauth = 0;
  for (let i = 0; i < OAUTH_LOGINS; i++) {
    await page.goto(`${BASE_URL}/oauth-demo`);
    if (page.url().startsWith(`${CLERK_DEV_URL}/oauth/authorize`)) {
      await page.fill('#email', EMAIL);
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${BASE_URL}/oauth-demo`), page.click('button[value="sign_in"]')]);
    }
    await page.waitForSelector('#oauth-email', { timeout: UI_TIMEOUT });
    assert.equal((await page.textContent('#oauth-email')).trim(), EMAIL);
    oauth += 1;
    await clerkLoaded(page);
    // Log out of the app (not of the instance) for the next round.
    await Promise.all([page.waitForURL(`${BASE_URL}/`), page.click('#oauth-logout')]);
    await clerkLoaded(page);
  }
  results.oauth_logins = oauth;

  // The cookies the load test sends: a signed-in browser's.
  const cookies = (await browser.context.cookies(BASE_URL))
    .filter((c) => c.name === '__session' || c.name.startsWith('__client_uat'))
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
  assert.match(cookies, /__session=/);
  if (process.env.SCALE_COOKIE_FILE) writeFileSync(process.env.SCALE_COOKIE_FILE, cookies);
  results.problems = browser.problems;
  assert.deepEqual(browser.problems, [], 'no console error, hydration warning or failed request');
  console.log(JSON.stringify(results));
} finally {
  await browser.close();
}
