// Browser proof: the real @clerk/clerk-js 6.40.0 + @clerk/ui 1.36.0, served by the local Clerk dev
// instance, signing up, out and in through the real UI in headless Chromium, fully offline.
//
// Usage (from this folder, after `npm install`):
//   CLERK_DEV_ASSETS=/tmp/clerk-assets node standalone.mjs
// Starts `cargo run -p clerk_dev_instance --example standalone` on PORT (default 3107) with a
// fresh data folder, unless BASE_URL points at an already running example.
// Exit code 0 = every step passed and no request left 127.0.0.1.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const PORT = Number(process.env.PORT || 3107);
const BASE = process.env.BASE_URL || `http://127.0.0.1:${PORT}`;
const HOST = new URL(BASE).host;
const SHOTS = path.join(path.dirname(new URL(import.meta.url).pathname), 'screenshots');
fs.mkdirSync(SHOTS, { recursive: true });

let server;
async function startServer() {
  if (process.env.BASE_URL) return;
  if (!process.env.CLERK_DEV_ASSETS) throw new Error('set CLERK_DEV_ASSETS (run ../fetch-assets.sh <dir> first)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clerk-dev-e2e-'));
  server = spawn('cargo', ['run', '--quiet', '-p', 'clerk_dev_instance', '--example', 'standalone'], {
    env: { ...process.env, PORT: String(PORT), CLERK_DEV_DATA_DIR: dataDir },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch(`${BASE}/__clerk/v1/jwks`)).ok) return; } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the standalone example did not start');
}

const failures = [];
const external = [];
const fapiCalls = [];
const unexpectedStatus = [];
async function step(name, fn) {
  try {
    const result = await fn();
    console.log('STEP OK  ', name, result === undefined ? '' : JSON.stringify(result).slice(0, 200));
    return result;
  } catch (e) {
    failures.push(name);
    console.log('STEP FAIL', name, e.message.split('\n').slice(0, 4).join(' | '));
    return undefined;
  }
}

function watch(page, tag) {
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol === 'blob:' || url.protocol === 'data:') return;
    if (url.host !== HOST) external.push(r.url());
    if (url.pathname.startsWith('/__clerk/v1')) {
      const method = url.searchParams.get('_method');
      fapiCalls.push(`${r.method()}${method ? `(${method})` : ''} ${url.pathname}`);
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && r.status() !== 422) unexpectedStatus.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('pageerror', (e) => console.log(`[${tag} pageerror]`, e.message));
  page.on('console', (m) => { if (m.type() === 'error') console.log(`[${tag} console.error]`, m.text().slice(0, 300)); });
}

const status = (page) => page.textContent('#status');
const waitLoaded = (page) => page.waitForFunction(() => document.getElementById('status')?.textContent !== 'loading', null, { timeout: 30000 });

async function verifySessionCookie(context) {
  const cookie = (await context.cookies()).find((c) => c.name === '__session');
  if (!cookie) throw new Error('no __session cookie');
  const [h, p, s] = cookie.value.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const jwks = await (await fetch(`${BASE}/__clerk/v1/jwks`)).json();
  const key = crypto.createPublicKey({ key: jwks.keys.find((k) => k.kid === header.kid), format: 'jwk' });
  if (!crypto.verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) throw new Error('bad signature');
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  if (header.alg !== 'RS256' || claims.iss !== 'https://clerk.localhost' || claims.azp !== BASE) throw new Error(`unexpected token ${JSON.stringify({ header, claims })}`);
  return { sub: claims.sub, azp: claims.azp, lifetime: claims.exp - claims.iat };
}

async function codeFromDevPage(email) {
  const html = await (await fetch(`${BASE}/__clerk/dev`)).text();
  const marker = `<td class="email">${email}</td><td class="code">`;
  const at = html.indexOf(marker);
  if (at < 0) throw new Error('no code on /dev for ' + email);
  return html.slice(at + marker.length, at + marker.length + 6);
}

await startServer();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const email = `e2e-${Date.now()}@example.com`;
const password = 'a-long-password-123';
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, 'e2e');

  await step('SignUp renders', async () => {
    await page.goto(`${BASE}/sign-up`);
    await page.waitForSelector('input[name=emailAddress]', { timeout: 30000 });
  });
  await step('SignUp submit email + password', async () => {
    await page.fill('input[name=emailAddress]', email);
    await page.fill('input[name=password]', password);
    await page.click('.cl-formButtonPrimary');
    await page.waitForSelector('input[autocomplete="one-time-code"], .cl-otpCodeFieldInput', { timeout: 15000 });
    await page.screenshot({ path: path.join(SHOTS, 'signup-code.png') });
  });
  await step('SignUp enter code from /dev', async () => {
    const code = await codeFromDevPage(email);
    await page.locator('input[autocomplete="one-time-code"], .cl-otpCodeFieldInput').first().focus();
    await page.keyboard.type(code);
    await page.waitForURL(`${BASE}/`, { timeout: 15000 });
    await waitLoaded(page);
    await page.waitForSelector('.cl-userButtonTrigger', { timeout: 15000 });
    await page.screenshot({ path: path.join(SHOTS, 'home-after-signup.png') });
    const s = await status(page);
    if (s !== `loaded:signed-in:${email}`) throw new Error(s);
    return { code, status: s };
  });
  await step('__session cookie verifies against /v1/jwks', () => verifySessionCookie(context));
  await step('sign out through UserButton', async () => {
    await page.click('.cl-userButtonTrigger');
    await page.click('.cl-userButtonPopoverActionButton__signOut', { timeout: 10000 });
    await page.waitForFunction(() => !window.Clerk.user, null, { timeout: 15000 });
    await page.goto(`${BASE}/`);
    await waitLoaded(page);
    const s = await status(page);
    if (s !== 'loaded:signed-out') throw new Error(s);
    const cookies = Object.fromEntries((await context.cookies()).map((c) => [c.name, c.value]));
    if (cookies.__session) throw new Error('__session still set');
    return { status: s, client_uat: cookies.__client_uat };
  });
  await step('SignIn with a wrong password shows the error', async () => {
    await page.goto(`${BASE}/sign-in`);
    await page.waitForSelector('input[name=identifier]', { timeout: 30000 });
    await page.fill('input[name=identifier]', email);
    const pw = page.locator('input[name=password]');
    if (await pw.isVisible()) await pw.fill('wrong-password-123');
    await page.click('.cl-formButtonPrimary');
    // With identifier + password on one screen, a 422 form_password_incorrect makes the UI fall
    // back to its separate "Enter your password" step (no error shown yet); enter it there again.
    await page.waitForSelector('text=/Enter your password|Password is incorrect/', { timeout: 10000 });
    if (!(await page.locator('text=/Password is incorrect/').isVisible())) {
      await page.fill('input[name=password]', 'wrong-password-123');
      await page.click('.cl-formButtonPrimary');
    }
    await page.waitForSelector('text=/Password is incorrect/', { timeout: 10000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'signin-wrong-password.png') });
    if (await page.evaluate(() => !!window.Clerk.user)) throw new Error('signed in with a wrong password');
  });
  await step('SignIn with the right password', async () => {
    await page.fill('input[name=password]', password);
    await page.click('.cl-formButtonPrimary');
    await page.waitForURL(`${BASE}/`, { timeout: 15000 });
    await waitLoaded(page);
    const s = await status(page);
    if (s !== `loaded:signed-in:${email}`) throw new Error(s);
    return s;
  });
  await step('reload keeps the session; token refresh works', async () => {
    await page.reload();
    await waitLoaded(page);
    const s = await status(page);
    if (s !== `loaded:signed-in:${email}`) throw new Error(s);
    const jwt = await page.evaluate(() => window.Clerk.session.getToken({ skipCache: true }));
    if (!jwt || jwt.split('.').length !== 3) throw new Error('no token');
    return verifySessionCookie(context);
  });
  await step('UserProfile security page lists this device', async () => {
    await page.goto(`${BASE}/user`);
    await page.waitForSelector('.cl-navbarButton', { timeout: 30000 });
    await page.locator('.cl-navbarButton').nth(1).click();
    await page.waitForSelector('text=/This device/', { timeout: 15000 });
    await page.screenshot({ path: path.join(SHOTS, 'user-profile-security.png') });
  });
  await step('no 404/5xx answers', async () => {
    if (unexpectedStatus.length) throw new Error(unexpectedStatus.join(', '));
    return 'none';
  });
  await step('no request left 127.0.0.1', async () => {
    if (external.length) throw new Error('external requests: ' + [...new Set(external)].join(', '));
    return 'none';
  });
} finally {
  await browser.close();
  if (server) server.kill('SIGTERM');
}
const counts = {};
for (const call of fapiCalls) counts[call.replace(/(sess|sia|sua)_[A-Za-z0-9]+/, '{id}')] = (counts[call.replace(/(sess|sia|sua)_[A-Za-z0-9]+/, '{id}')] || 0) + 1;
console.log('FAPI CALLS', JSON.stringify(counts, null, 1));
console.log(failures.length ? `FAILED: ${failures.join('; ')}` : 'ALL STEPS PASSED');
process.exit(failures.length ? 1 : 0);
