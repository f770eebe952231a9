// Organizations in the browser, offline: the real ClerkJS against the local Clerk dev instance.
// Ada creates "Acme" and invites Bea (the invitation shows in the dev mailbox); Bea accepts it,
// joins as org:member and is refused the settings page (403 from the server, the link hidden
// by <Show>); Ada promotes Bea to org:admin; after Bea's next token refresh the page opens;
// switching the active organization changes what /api/me reports. Two browser profiles (one
// per user); the tests run in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, CLERK_DEV_URL, launch, signIn } from '../lib/browser.mjs';

const STAMP = Date.now();
const ADA = `e2e-ada-${STAMP}@example.com`;
const BEA = `e2e-bea-${STAMP}@example.com`;
const PASSWORD = 'a-long-password-123';
const ORG_NAME = `Acme ${STAMP}`;
const UI_TIMEOUT = 20000;

let ada;
let bea;
let adaPage;
let beaPage;
let beaId;
let org; // { id, slug }

/** The dev instance's secret key, as its /__clerk/dev page shows it. */
async function secretKey() {
  const html = await (await fetch(`${CLERK_DEV_URL}/dev`)).text();
  const match = html.match(/<code id="secret-key">([^<]+)<\/code>/);
  assert.ok(match, 'the dev page shows the secret key');
  return match[1];
}

/** Creates a user with a password through the dev instance's Backend API. */
async function createUser(key, email) {
  const response = await fetch(`${CLERK_DEV_URL}/api/v1/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email_address: [email], password: PASSWORD }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()).id;
}

const clerkLoaded = (page) =>
  page.waitForFunction(() => window.Clerk?.loaded === true, null, { timeout: UI_TIMEOUT });

/** Signs `email` in through ClerkJS's <SignIn/>, then waits on /orgs for ClerkJS. */
async function signInAs(page, email) {
  await page.goto(`${BASE_URL}/sign-in?redirect_url=${encodeURIComponent('/orgs')}`);
  await signIn(page, email, PASSWORD, UI_TIMEOUT);
  await page.waitForURL(`${BASE_URL}/orgs`, { timeout: UI_TIMEOUT });
  await clerkLoaded(page);
}

/** `/api/me` as the page's fetch sends it (the `__session` cookie ClerkJS keeps fresh). */
const apiMe = (page) =>
  page.evaluate(async () => {
    await window.Clerk.session.getToken({ skipCache: true });
    return (await fetch('/api/me')).json();
  });

before(async () => {
  const key = await secretKey();
  await createUser(key, ADA);
  beaId = await createUser(key, BEA);
  ada = await launch();
  bea = await launch();
  adaPage = await ada.newPage();
  beaPage = await bea.newPage();
  // Bea is refused the settings page once, on purpose.
  bea.expectStatus(403, /\/orgs\/[^/]+\/settings/);
});
after(async () => {
  await ada?.close();
  await bea?.close();
});

test('Ada creates an organization and activates it: the server sees her as org:admin', async () => {
  await signInAs(adaPage, ADA);
  await adaPage.waitForSelector('[data-cl-mount="organization-switcher"][data-cl-mounted="true"]', {
    timeout: UI_TIMEOUT,
  });
  org = await adaPage.evaluate(async (name) => {
    const created = await window.Clerk.createOrganization({ name });
    await window.Clerk.setActive({ organization: created.id });
    return { id: created.id, slug: created.slug };
  }, ORG_NAME);
  assert.match(org.id, /^org_/);
  const me = await apiMe(adaPage);
  assert.equal(me.org_id, org.id);
  assert.equal(me.org_role, 'org:admin');
  assert.equal(me.org_slug, org.slug);

  // Server-rendered: the settings link is there for the admin, and the page opens.
  const response = await adaPage.goto(`${BASE_URL}/orgs`);
  assert.match(await response.text(), /id="org-settings-link"/);
  // Leaving a page before ClerkJS has loaded cancels its requests: let it finish first.
  await clerkLoaded(adaPage);
  const settings = await adaPage.goto(`${BASE_URL}/orgs/${org.slug}/settings`);
  assert.equal(settings.status(), 200);
  // The page mounts <OrganizationProfile/>, whose @clerk/ui chunk loads lazily: let it finish
  // before the page is left (leaving cancels it).
  await adaPage.waitForLoadState('networkidle');
});

test('Ada invites Bea by email: the invitation is in the dev mailbox', async () => {
  await clerkLoaded(adaPage);
  await adaPage.evaluate(
    (email) => window.Clerk.organization.inviteMember({ emailAddress: email, role: 'org:member' }),
    BEA,
  );
  const html = await (await fetch(`${CLERK_DEV_URL}/dev`)).text();
  assert.ok(html.includes(`<td class="email">${BEA}</td>`), 'mailed to Bea');
  assert.match(html, /invitation to the organization/);
});

test('Bea accepts and joins as org:member: 403 from the server, the link hidden by <Show>', async () => {
  await signInAs(beaPage, BEA);
  const joined = await beaPage.evaluate(async () => {
    const invitations = await window.Clerk.user.getOrganizationInvitations({ status: 'pending' });
    const [invitation] = invitations.data;
    await invitation.accept();
    await window.Clerk.user.reload();
    await window.Clerk.setActive({ organization: invitation.publicOrganizationData.id });
    return invitation.publicOrganizationData.id;
  });
  assert.equal(joined, org.id);
  assert.equal((await apiMe(beaPage)).org_role, 'org:member');

  const page = await beaPage.goto(`${BASE_URL}/orgs`);
  const html = await page.text();
  assert.match(html, /org:member/);
  assert.doesNotMatch(html, /id="org-settings-link"/);
  await clerkLoaded(beaPage);
  const refused = await beaPage.goto(`${BASE_URL}/orgs/${org.slug}/settings`);
  assert.equal(refused.status(), 403);
  assert.match(await refused.text(), /403/);
});

test('Ada promotes Bea; after her next token refresh the settings page opens', async () => {
  await adaPage.goto(`${BASE_URL}/orgs`);
  await clerkLoaded(adaPage);
  await adaPage.evaluate(
    (userId) => window.Clerk.organization.updateMember({ userId, role: 'org:admin' }),
    beaId,
  );
  await clerkLoaded(beaPage);
  assert.equal((await apiMe(beaPage)).org_role, 'org:admin');
  const opened = await beaPage.goto(`${BASE_URL}/orgs/${org.slug}/settings`);
  assert.equal(opened.status(), 200);
  await clerkLoaded(beaPage);
  await beaPage.waitForLoadState('networkidle');
});

test('switching to the personal account changes what /api/me reports', async () => {
  await beaPage.goto(`${BASE_URL}/orgs`);
  await clerkLoaded(beaPage);
  await beaPage.evaluate(() => window.Clerk.setActive({ organization: null }));
  const me = await apiMe(beaPage);
  assert.equal(me.org_id, null);
  await beaPage.evaluate((id) => window.Clerk.setActive({ organization: id }), org.id);
  assert.equal((await apiMe(beaPage)).org_id, org.id);
});

test('no console errors or unexpected HTTP errors in either browser', () => {
  assert.deepEqual(ada.problems, []);
  assert.deepEqual(bea.problems, []);
});
