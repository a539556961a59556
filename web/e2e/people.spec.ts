import { test, expect, OWNER } from './fixtures';
import { accept, enrolTOTP, invite, nextCode, orgIdOf, passwordLogin } from './people';

// People: an owner invites a member, who sets a password through the
// one-time link and protects the login with a second factor, an
// authenticator app (codes computed here from its secret) or a passkey
// (Chromium's virtual authenticator); the organization can require one;
// a removed member's open session ends at once.

const NEW_PASSWORD = 'a-members-own-password-93';

// Each story takes several logins in two browsers, each password check a
// deliberately slow hash: three times the usual time.
test.beforeEach(() => test.slow());

test('invite, accept, enrol an authenticator app, log in with a code; a recovery code works once', async ({ page, browser, server, login }) => {
  await login(page);
  const org = await orgIdOf(page);
  const link = await invite(page, server.url, org, 'new.member@acme.test');
  await expect(page.getByTestId('member-row').filter({ hasText: 'new.member@acme.test' })).toContainText('Invited');

  const m = await accept(browser, link, NEW_PASSWORD);
  // The link worked once.
  await m.goto(link);
  await expect(m.getByRole('heading', { name: 'This link no longer works' })).toBeVisible();

  await passwordLogin(m, server.url, 'new.member@acme.test', NEW_PASSWORD);
  await expect(m.getByTestId('current-user')).toHaveText('new.member@acme.test');
  await m.getByTestId('current-user').click();
  const { secret, codes } = await enrolTOTP(m);
  await m.getByRole('link', { name: 'I have saved them, continue' }).click();
  await expect(m.getByTestId('totp-factor')).toContainText('On');
  await m.getByRole('button', { name: 'Log out' }).click();

  await passwordLogin(m, server.url, 'new.member@acme.test', NEW_PASSWORD);
  await expect(m.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
  // Half logged in: nothing else opens.
  await m.goto(server.url + '/orgs/' + org + '/activity');
  await expect(m.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await m.goto(server.url + '/login/verify');
  await m.getByLabel('Code').fill('000000');
  await m.getByRole('button', { name: 'Verify' }).click();
  await expect(m.getByTestId('form-error')).toContainText('That code is not right');
  await m.getByLabel('Code').fill(nextCode(secret));
  await m.getByRole('button', { name: 'Verify' }).click();
  await expect(m.getByTestId('current-user')).toHaveText('new.member@acme.test');
  await m.getByRole('button', { name: 'Log out' }).click();

  // A recovery code, once.
  await passwordLogin(m, server.url, 'new.member@acme.test', NEW_PASSWORD);
  await m.getByLabel('Code').fill(codes[0]);
  await m.getByRole('button', { name: 'Verify' }).click();
  await expect(m.getByTestId('current-user')).toHaveText('new.member@acme.test');
  await m.goto(server.url + '/account/security');
  await expect(m.getByTestId('recovery-left')).toHaveText('9');
  await m.getByRole('button', { name: 'Log out' }).click();
  await passwordLogin(m, server.url, 'new.member@acme.test', NEW_PASSWORD);
  await m.getByLabel('Code').fill(codes[0]);
  await m.getByRole('button', { name: 'Verify' }).click();
  await expect(m.getByTestId('form-error')).toContainText('That code is not right');
  await expect(m.getByTestId('current-user')).toHaveCount(0);

  // The owner's activity feed has the story.
  await page.goto(server.url + '/orgs/' + org + '/activity');
  await expect(page.locator('[data-testid=event-row][data-event-type=INVITED_TO_ORG]')).toHaveCount(1);
  await expect(page.locator('[data-testid=event-row][data-event-type=JOINED_ORG]')).toHaveCount(1);
});

test('a passkey, through Chromium\'s virtual authenticator: enrol, log in with it, remove it', async ({ browser, server }) => {
  // Passkeys need a secure context and a host name for the RP ID:
  // http://localhost is one, http://127.0.0.1 is not.
  const base = server.url.replace('127.0.0.1', 'localhost');
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });

  await passwordLogin(page, base, OWNER);
  await expect(page.getByTestId('current-user')).toHaveText(OWNER);
  await page.getByTestId('current-user').click();
  const form = page.getByTestId('passkey-form');
  await form.getByLabel('Name').fill('Work laptop');
  await form.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByTestId('passkey-row')).toContainText('Work laptop');
  await expect(page.getByTestId('passkeys')).toContainText('1 on');
  await page.getByRole('button', { name: 'Log out' }).click();

  await passwordLogin(page, base, OWNER);
  await expect(page.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(page.getByTestId('current-user')).toHaveText(OWNER);

  await page.goto(base + '/account/security');
  await expect(page.getByTestId('passkey-row')).toContainText('last used');
  await page.getByRole('button', { name: 'Remove passkey Work laptop' }).click();
  await expect(page.getByTestId('passkey-row')).toHaveCount(0);
  await page.getByRole('button', { name: 'Log out' }).click();
  // Without a second factor the password alone logs in again.
  await passwordLogin(page, base, OWNER);
  await expect(page.getByTestId('current-user')).toHaveText(OWNER);
});

test('MFA required: a member without a factor is sent to enrol and reaches nothing else first', async ({ page, browser, server, login }) => {
  await login(page);
  const org = await orgIdOf(page);
  await page.getByTestId('current-user').click();
  await enrolTOTP(page);
  await page.goto(server.url + '/orgs/' + org + '/settings');
  await page.getByRole('switch', { name: 'Require multi-factor authentication' }).click();
  await expect(page.getByRole('switch', { name: 'Require multi-factor authentication' })).toHaveAttribute('aria-checked', 'true');
  const link = await invite(page, server.url, org, 'late.adopter@acme.test', 'Organization Read Only');
  await expect(page.getByTestId('mfa-pending')).toContainText('late.adopter@acme.test');

  const m = await accept(browser, link, NEW_PASSWORD);
  await passwordLogin(m, server.url, 'late.adopter@acme.test', NEW_PASSWORD);
  await expect(m.getByTestId('enrol-required')).toBeVisible();
  for (const path of ['/', `/orgs/${org}/settings`, `/orgs/${org}/members`, '/account/password']) {
    await m.goto(server.url + path);
    await expect(m.getByRole('heading', { name: 'Log in' }), path).toBeVisible();
  }
  await m.goto(server.url + '/account/security');
  await enrolTOTP(m);
  await m.getByRole('link', { name: 'I have saved them, continue' }).click();
  await expect(m.getByTestId('current-user')).toHaveText('late.adopter@acme.test');
  await m.goto(server.url + `/orgs/${org}/settings`);
  await expect(m.getByRole('heading', { name: 'Organization Settings' })).toBeVisible();
  await page.goto(server.url + `/orgs/${org}/members`);
  await expect(page.getByTestId('mfa-pending')).toContainText('Every member has a second factor');
});

test('removing a member ends their open session in another browser at once', async ({ page, browser, server, login }) => {
  await login(page);
  const org = await orgIdOf(page);
  const link = await invite(page, server.url, org, 'leaving@acme.test', 'Organization Read Only');
  const m = await accept(browser, link, NEW_PASSWORD);
  await passwordLogin(m, server.url, 'leaving@acme.test', NEW_PASSWORD);
  await m.goto(server.url + `/orgs/${org}/activity`);
  await expect(m.getByRole('heading', { name: 'Activity Feed' })).toBeVisible();

  await page.goto(server.url + `/orgs/${org}/members`);
  await page.getByRole('link', { name: 'Manage leaving@acme.test' }).click();
  // The last owner cannot be demoted; this member can be removed.
  await page.getByRole('button', { name: 'Remove member' }).click();
  await expect(page.getByTestId('toast')).toContainText('leaving@acme.test was removed');
  await expect(page.getByTestId('member-row').filter({ hasText: 'leaving@acme.test' })).toHaveCount(0);

  await m.reload();
  await expect(m.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await passwordLogin(m, server.url, 'leaving@acme.test', NEW_PASSWORD);
  await expect(m.getByTestId('current-user')).toHaveText('leaving@acme.test');
  await m.goto(server.url + `/orgs/${org}/activity`);
  await expect(m.getByRole('heading', { name: 'Activity Feed' })).toHaveCount(0);
});

test('the last owner cannot be demoted or removed', async ({ page, server, login }) => {
  await login(page);
  const org = await orgIdOf(page);
  await page.goto(server.url + `/orgs/${org}/members`);
  await page.getByRole('link', { name: `Manage ${OWNER}` }).click();
  await page.getByLabel('Organization role').selectOption({ label: 'Organization Member' });
  await page.getByRole('button', { name: 'Save roles' }).click();
  await expect(page.getByTestId('form-error')).toContainText('last Organization Owner');
  await page.getByRole('button', { name: 'Remove member' }).click();
  await expect(page.getByTestId('form-error')).toContainText('last Organization Owner');
  await expect(page.getByTestId('current-user')).toHaveText(OWNER);
});
