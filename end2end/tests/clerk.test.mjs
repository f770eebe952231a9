// Clerk in the browser: the real ClerkJS + @clerk/ui (served by the local Clerk dev instance)
// signing up, out and in through its own UI, server-side redirects of protected pages, the
// profile loader + action through the Backend API, and a server-function call after the first
// session token has expired. The tests share one browser profile and run in order: each one
// starts from the auth state the previous one left.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, CLERK_DEV_URL, CLERK_DEV_PATH, launch, clickUntilHydrated, signIn } from '../lib/browser.mjs';
import { HAS_DEMO_PAGES } from '../lib/package.mjs';

const HOST = new URL(BASE_URL).host;
const EMAIL = `e2e-${Date.now()}@example.com`;
const PASSWORD = 'a-long-password-123';
/** How long the dev instance's session tokens live (scripts/e2e.sh passes it to the server). */
const TOKEN_LIFETIME_SECS = Number(process.env.CLERK_DEV_TOKEN_LIFETIME_SECS || 60);
const UI_TIMEOUT = 20000;

let browser;
let page;
/** How many problems earlier tests already reported (each test checks only its own). */
let problemsSeen = 0;
/** The problems (console errors, page errors, HTTP errors) since the last call. */
function newProblems() {
  const fresh = browser.problems.slice(problemsSeen);
  problemsSeen = browser.problems.length;
  return fresh;
}
/** Numbers printed at the end: time to interactive of `/`, signed out and signed in. */
const timings = {};
/** The signed-up user's id, as /api/me (and /client, a demo page) shows it. */
let userId;

before(async () => {
  browser = await launch();
  page = await browser.newPage();
  // Remembers, per document, whether the signed-out header was ever in the DOM (a "flash").
  await page.addInitScript(() => {
    window.__lcsSawSignedOut = false;
    new MutationObserver(() => {
      if (document.querySelector('[data-cl-button="sign-in"]')) window.__lcsSawSignedOut = true;
    }).observe(document, { childList: true, subtree: true });
  });
});
after(async () => {
  await browser?.close();
});

// ------------------------------------------------------------------------------------- helpers

/** The ClerkState JSON the server wrote into the page's <head>. */
function clerkState(html) {
  const match = html.match(/<script type="application\/json" id="__clerk_state">([^<]*)<\/script>/);
  assert.ok(match, 'the SSR HTML carries the __clerk_state JSON');
  return JSON.parse(match[1]);
}

/** Waits until `Clerk.load()` has resolved in the page. */
const clerkLoaded = (p = page) =>
  p.waitForFunction(() => window.Clerk?.loaded === true, null, { timeout: UI_TIMEOUT });

/** Waits until the header's UserButton was mounted by ClerkJS and shows its avatar. */
async function userButtonMounted(p = page) {
  await p.waitForSelector('[data-cl-mount="user-button"][data-cl-mounted="true"]', { timeout: UI_TIMEOUT });
  await p.waitForSelector('[data-cl-mount="user-button"] .cl-userButtonTrigger', {
    state: 'visible',
    timeout: UI_TIMEOUT,
  });
}

/** The newest verification code the dev instance "mailed" to `email` (its /__clerk/dev page). */
async function codeFromDevPage(email) {
  const html = await (await fetch(`${CLERK_DEV_URL}/dev`)).text();
  const marker = `<td class="email">${email}</td><td class="code">`;
  const at = html.indexOf(marker);
  assert.ok(at >= 0, `the dev page lists a code for ${email}`);
  return html.slice(at + marker.length, at + marker.length + 6);
}

const text = async (selector, p = page) => (await p.textContent(selector))?.trim();

/** Fills ClerkJS's <SignIn/> on the test's page (see `signIn` in lib/browser.mjs). */
const submitSignIn = (email, password) => signIn(page, email, password, UI_TIMEOUT);

/** The claims of a JWT (not verified here: the server verifies them). */
const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url'));

/**
 * Loads `url` in a new page and measures, from navigation start: when the WASM had hydrated
 * (a script clicks #counter every few ms; the SSR button has no handler until hydration) and
 * when `Clerk.load()` had resolved.
 */
async function measureInteractive(url) {
  const probe = await browser.newPage();
  await probe.addInitScript(() => {
    const hydrated = setInterval(() => {
      const counter = document.getElementById('counter');
      if (!counter) return;
      if (/Clicked [1-9]/.test(counter.textContent)) {
        window.__lcsHydratedAt = performance.now();
        clearInterval(hydrated);
      } else {
        counter.click();
      }
    }, 4);
    const loaded = setInterval(() => {
      if (window.Clerk?.loaded) {
        window.__lcsClerkLoadedAt = performance.now();
        clearInterval(loaded);
      }
    }, 4);
  });
  await probe.goto(url);
  await probe.waitForFunction(() => window.__lcsHydratedAt && window.__lcsClerkLoadedAt, null, {
    timeout: UI_TIMEOUT,
  });
  const numbers = await probe.evaluate(() => {
    const [nav] = performance.getEntriesByType('navigation');
    return {
      ttfb_ms: Math.round(nav.responseStart),
      dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd),
      hydrated_ms: Math.round(window.__lcsHydratedAt),
      clerk_loaded_ms: Math.round(window.__lcsClerkLoadedAt),
    };
  });
  await probe.close();
  return numbers;
}

// --------------------------------------------------------------------------------------- tests

test('signed out: the header offers sign-in and sign-up, in the SSR HTML and after hydration', async () => {
  const response = await page.goto(`${BASE_URL}/`);
  assert.equal(response.status(), 200);
  const html = await response.text();
  assert.match(html, /data-cl-button="sign-in"/, 'SignInButton in the SSR HTML');
  assert.match(html, /data-cl-button="sign-up"/, 'SignUpButton in the SSR HTML');
  assert.match(html, /You are signed out/);
  assert.doesNotMatch(html, /data-cl-mount="user-button"/);
  assert.equal(clerkState(html).auth.user_id, null, 'the server saw nobody signed in');

  await clickUntilHydrated(page, '#counter', () =>
    document.querySelector('#counter').textContent.includes('Clicked 1 times'),
  );
  await clerkLoaded();
  assert.ok(await page.isVisible('[data-cl-button="sign-in"]'), 'sign-in button after ClerkJS loaded');
  assert.ok(await page.isVisible('[data-cl-button="sign-up"]'), 'sign-up button after ClerkJS loaded');
  assert.match(await text('#auth-status'), /You are signed out/);

  timings.signed_out_home = await measureInteractive(`${BASE_URL}/`);

  // The SignInButton sends the visitor to the sign-in page, where <SignIn/> mounts.
  await page.click('[data-cl-button="sign-in"]');
  await page.waitForURL((url) => url.pathname === '/sign-in', { timeout: UI_TIMEOUT });
  await page.waitForSelector('[data-cl-mount="sign-in"][data-cl-mounted="true"] input[name=identifier]', {
    timeout: UI_TIMEOUT,
  });

  if (HAS_DEMO_PAGES) {
    const client = await page.goto(`${BASE_URL}/client`);
    assert.match(await client.text(), /id="is-signed-in"[^>]*>(?:<!---->)*false/, '/client SSR says signed out');
    await clerkLoaded();
    assert.equal(await text('#is-loaded'), 'true');
    assert.equal(await text('#is-signed-in'), 'false');
    assert.equal(await text('#user-id'), '—');
  }
  assert.deepEqual(newProblems(), []);
});

test('sign up through <SignUp/> with the emailed code: signed in, no signed-out flash on reload', async () => {
  await page.goto(`${BASE_URL}/sign-up`);
  await page.waitForSelector('[data-cl-mount="sign-up"] input[name=emailAddress]', { timeout: UI_TIMEOUT });
  await page.fill('input[name=emailAddress]', EMAIL);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('.cl-formButtonPrimary');
  const codeInput = 'input[autocomplete="one-time-code"], .cl-otpCodeFieldInput';
  await page.waitForSelector(codeInput, { timeout: UI_TIMEOUT });
  const code = await codeFromDevPage(EMAIL);
  assert.match(code, /^\d{6}$/);
  await page.locator(codeInput).first().focus();
  await page.keyboard.type(code);

  await page.waitForURL(`${BASE_URL}/`, { timeout: UI_TIMEOUT });
  await userButtonMounted();
  await page.waitForFunction(
    () => document.getElementById('auth-status')?.textContent.includes('You are signed in'),
    null,
    { timeout: UI_TIMEOUT },
  );
  assert.ok(!(await page.isVisible('[data-cl-button="sign-in"]')), 'no sign-in button once signed in');

  // A fresh load: the server already renders the signed-in header.
  const response = await page.goto(`${BASE_URL}/`);
  assert.equal(response.status(), 200);
  const html = await response.text();
  assert.match(html, /You are signed in/, 'the SSR HTML says signed in');
  assert.match(html, /data-cl-mount="user-button"/, 'the UserButton placeholder is in the SSR HTML');
  assert.doesNotMatch(html, /data-cl-button="sign-in"/, 'no sign-in button in the SSR HTML');
  assert.match(clerkState(html).auth.user_id ?? '', /^user_/, 'the server saw the user');
  await userButtonMounted();
  assert.equal(await page.evaluate(() => window.__lcsSawSignedOut), false, 'no signed-out flash');

  timings.signed_in_home = await measureInteractive(`${BASE_URL}/`);
  assert.deepEqual(newProblems(), []);
});

test('signing out from the UserButton menu updates the page without a reload', async () => {
  await userButtonMounted();
  await page.evaluate(() => {
    window.__lcsSameDocument = true;
  });
  await page.click('.cl-userButtonTrigger');
  await page.click('.cl-userButtonPopoverActionButton__signOut', { timeout: UI_TIMEOUT });
  await page.waitForSelector('[data-cl-button="sign-in"]', { state: 'visible', timeout: UI_TIMEOUT });
  await page.waitForSelector('[data-cl-button="sign-up"]', { state: 'visible', timeout: UI_TIMEOUT });
  assert.match(await text('#auth-status'), /You are signed out/);
  assert.equal(await page.$('[data-cl-mount="user-button"]'), null, 'the UserButton is gone');
  assert.equal(await page.evaluate(() => window.__lcsSameDocument), true, 'the page was not reloaded');
  const session = (await browser.context.cookies(BASE_URL)).find((c) => c.name === '__session');
  assert.ok(!session?.value, '__session cookie cleared');

  // The server agrees.
  const html = await (await page.goto(`${BASE_URL}/`)).text();
  assert.match(html, /data-cl-button="sign-in"/);
  assert.equal(clerkState(html).auth.user_id, null);
  await clerkLoaded();
  assert.ok(await page.isVisible('[data-cl-button="sign-in"]'));
  assert.deepEqual(newProblems(), []);
});

test('sign in on /sign-in: a wrong password is refused, the right one signs in', async () => {
  // ClerkJS answers a wrong password with 422 form_password_incorrect: expected here.
  browser.expectStatus(422, /\/__clerk\/v1\/client\/sign_ins(\/[^/]+\/attempt_first_factor)?$/);
  await page.goto(`${BASE_URL}/sign-in`);
  await submitSignIn(EMAIL, 'wrong-password-123');
  // With identifier + password on one screen, a 422 makes the UI fall back to its separate
  // "Enter your password" step (no error shown yet); enter the wrong password there again.
  await page.waitForSelector('text=/Enter your password|Password is incorrect/', { timeout: UI_TIMEOUT });
  if (!(await page.locator('text=/Password is incorrect/').isVisible())) {
    await page.fill('input[name=password]', 'wrong-password-123');
    await page.click('.cl-formButtonPrimary');
  }
  await page.waitForSelector('text=/Password is incorrect/', { timeout: UI_TIMEOUT });
  assert.equal(await page.evaluate(() => Boolean(window.Clerk.user)), false, 'not signed in');
  assert.equal(new URL(page.url()).pathname.startsWith('/sign-in'), true);

  await page.fill('input[name=password]', PASSWORD);
  await page.click('.cl-formButtonPrimary');
  await page.waitForURL(`${BASE_URL}/`, { timeout: UI_TIMEOUT });
  await userButtonMounted();
  await page.waitForFunction(
    () => document.getElementById('auth-status')?.textContent.includes('You are signed in'),
    null,
    { timeout: UI_TIMEOUT },
  );
  assert.deepEqual(newProblems(), []);
});

test('/api/me answers with the session cookie; /client (a demo page) shows the same user', async () => {
  const me = await browser.context.request.get(`${BASE_URL}/api/me`);
  assert.equal(me.status(), 200);
  assert.match(me.headers()['content-type'], /application\/json/);
  const body = await me.json();
  assert.equal(body.is_authenticated, true);
  assert.match(body.user_id, /^user_/);
  assert.match(body.session_id, /^sess_/);
  userId = body.user_id;

  if (HAS_DEMO_PAGES) {
    const response = await page.goto(`${BASE_URL}/client`);
    assert.match(await response.text(), /id="is-signed-in"[^>]*>(?:<!---->)*true/, '/client SSR says signed in');
    await clerkLoaded();
    await page.waitForFunction((email) => document.getElementById('user-email')?.textContent === email, EMAIL, {
      timeout: UI_TIMEOUT,
    });
    assert.equal(await text('#is-signed-in'), 'true');
    assert.equal(await text('#user-id'), userId);
    assert.equal(await text('#session-id'), body.session_id);
  }

  // Without the cookie: 401 with a JSON body (no redirect for an API).
  const anonymous = await fetch(`${BASE_URL}/api/me`, { redirect: 'manual' });
  assert.equal(anonymous.status, 401);
  assert.match(anonymous.headers.get('content-type'), /application\/json/);
  assert.deepEqual(newProblems(), []);
});

test('/profile signed out: the server redirects to sign-in, which returns to the profile', async () => {
  await clerkLoaded();
  await page.evaluate(() => window.Clerk.signOut());
  await page.waitForSelector('[data-cl-button="sign-in"]', { state: 'visible', timeout: UI_TIMEOUT });

  const response = await page.goto(`${BASE_URL}/profile`);
  // The redirect chain (a Clerk handshake may come first): the last hop from /profile is the
  // page's own redirect to the sign-in page.
  const chain = [];
  for (let r = response.request().redirectedFrom(); r; r = r.redirectedFrom()) chain.unshift(r);
  const fromProfile = chain.filter((r) => r.url() === `${BASE_URL}/profile`).at(-1);
  assert.ok(fromProfile, `the server answered /profile with a redirect (chain: ${chain.map((r) => r.url())})`);
  const redirect = await fromProfile.response();
  assert.ok([302, 303, 307].includes(redirect.status()), `redirect status ${redirect.status()}`);
  assert.equal(redirect.headers().location, '/sign-in?redirect_url=%2Fprofile');
  assert.equal(page.url(), `${BASE_URL}/sign-in?redirect_url=%2Fprofile`);
  assert.equal(response.status(), 200);

  await submitSignIn(EMAIL, PASSWORD);
  await page.waitForURL(`${BASE_URL}/profile`, { timeout: UI_TIMEOUT });
  await page.waitForSelector('#profile-email', { timeout: UI_TIMEOUT });
  assert.equal(await text('#profile-email'), EMAIL);
  assert.equal(await text('#profile-id'), userId);

  await page.fill('#profile-form input[name=first_name]', 'Ada');
  await page.fill('#profile-form input[name=last_name]', 'Lovelace');
  await page.click('#profile-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('profile-result')?.textContent === 'Saved: Ada Lovelace', null, {
    timeout: UI_TIMEOUT,
  });
  await page.waitForFunction(() => document.getElementById('profile-name')?.textContent === 'Ada Lovelace', null, {
    timeout: UI_TIMEOUT,
  });

  // The name is stored: a reload renders it on the server.
  const reload = await page.reload();
  assert.equal(reload.status(), 200);
  const html = await reload.text();
  assert.match(html, /id="profile-name"[^>]*>(?:<!---->)*Ada Lovelace</, 'the SSR HTML shows the new name');
  assert.match(html, /id="profile-email"[^>]*>(?:<!---->)*[^<]*@example\.com</);
  assert.equal(await text('#profile-name'), 'Ada Lovelace');
  const dev = await (await fetch(`${CLERK_DEV_URL}/dev`)).text();
  assert.ok(dev.includes(`<tr><td>${EMAIL}</td><td>Ada Lovelace</td>`), 'the dev instance stored the name');
  assert.deepEqual(newProblems(), []);
});

test('after the first session token expired, the profile form still saves (fresh Bearer token)', async () => {
  // The page was loaded (and its __session token minted) at most this long ago.
  const pageLoadedAtSecs = Math.floor(Date.now() / 1000) - 1;
  await clerkLoaded();
  await page.waitForTimeout((TOKEN_LIFETIME_SECS + 5) * 1000);

  const call = page.waitForRequest(
    (r) => r.method() === 'POST' && new URL(r.url()).pathname.startsWith('/api/update_profile'),
    { timeout: UI_TIMEOUT },
  );
  await page.fill('#profile-form input[name=first_name]', 'Grace');
  await page.fill('#profile-form input[name=last_name]', 'Hopper');
  await page.click('#profile-form button[type=submit]');
  const request = await call;
  const authorization = await request.headerValue('authorization');
  assert.match(authorization ?? '', /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/, 'the server function got a Bearer token');
  const claims = claimsOf(authorization.slice('Bearer '.length));
  const now = Date.now() / 1000;
  assert.equal(claims.sub, userId);
  assert.ok(claims.exp > now, 'the token has not expired');
  assert.ok(claims.iat > pageLoadedAtSecs, 'the token was minted after the page loaded');
  assert.equal((await request.response()).status(), 200);
  await page.waitForFunction(() => document.getElementById('profile-result')?.textContent === 'Saved: Grace Hopper', null, {
    timeout: UI_TIMEOUT,
  });
  assert.deepEqual(newProblems(), []);
});

test('no console errors, no hydration warnings, no request left 127.0.0.1', () => {
  const hosts = {};
  for (const { url } of browser.requests) {
    const host = new URL(url).host || new URL(url).protocol;
    hosts[host] = (hosts[host] || 0) + 1;
  }
  const fapi = {};
  for (const { method, url } of browser.requests) {
    const parsed = new URL(url);
    if (!parsed.pathname.startsWith('/__clerk/v1/')) continue;
    const tunnelled = parsed.searchParams.get('_method');
    const path = parsed.pathname.replace(/\/(sess|sia|sua|user|idn|ver)_[A-Za-z0-9]+/g, '/$1_{id}');
    const key = `${method}${tunnelled ? `(${tunnelled})` : ''} ${path}`;
    fapi[key] = (fapi[key] || 0) + 1;
  }
  console.log('TIME TO INTERACTIVE of / (ms from navigation start)', JSON.stringify(timings));
  console.log(`REQUESTS by host: ${JSON.stringify(hosts)}`);
  console.log('FAPI REQUESTS (method path: count)');
  for (const [key, count] of Object.entries(fapi).sort()) console.log(`  ${key}: ${count}`);
  assert.deepEqual(Object.keys(hosts), [HOST], 'every request went to the app on 127.0.0.1');
  assert.deepEqual(browser.problems, [], 'no problem in the whole run');
});
