import { createHmac } from 'node:crypto';
import { expect, Page, Browser } from '@playwright/test';
import { PASSWORD } from './fixtures';

// People and second factors, shared by people.spec.ts and
// people-screens.spec.ts: codes of an authenticator app computed from its
// secret (RFC 6238, SHA-1, 6 digits, 30 s), and the steps a person takes.

function base32(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out: number[] = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The app's code for the secret at a moment (ms since the epoch). */
export function totp(secret: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const h = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = (((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1_000_000;
  return String(n).padStart(6, '0');
}

/**
 * The next time step's code: the server takes one step of skew, and the
 * step just used to enrol (or log in) is never accepted again.
 */
export function nextCode(secret: string): string {
  return totp(secret, Date.now() + 30_000);
}

/** Logs in with the password at base; the caller checks where it lands. */
export async function passwordLogin(page: Page, base: string, email: string, password = PASSWORD) {
  await page.goto(base + '/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Invites a person from the Members page (the owner is on a console page) and returns the one-time link. */
export async function invite(page: Page, base: string, orgId: string, email: string, role = 'Organization Member', project?: string) {
  await page.goto(`${base}/orgs/${orgId}/members`);
  const form = page.getByTestId('invite-form');
  await form.getByLabel('Email', { exact: true }).fill(email);
  await form.locator('select[name=role]').selectOption({ label: role });
  if (project) await form.locator('select[name=project]').selectOption({ label: project });
  await form.getByRole('button', { name: 'Invite' }).click();
  await expect(page.getByTestId('password-link')).toContainText(`${email} is invited`);
  if (await page.getByTestId('password-link-url').count() > 0) {
    return (await page.getByTestId('password-link-url').inputValue());
  }
  // Emailed (the test task runs Mailpit): the newest message to the
  // address that this server sent, with its link to this server.
  await expect(page.getByTestId('password-link')).toContainText('We emailed them a one-time link');
  return linkFromMail(email, new URL(base).port);
}

const mailpit = process.env.TEST_MAILPIT_URL ?? '';

/** The one-time link this server (by its port) emailed to address, read from Mailpit. */
async function linkFromMail(address: string, port: string): Promise<string> {
  expect(mailpit, 'TEST_MAILPIT_URL is not set: run the specs through .ci/with-mailpit (the e2e task does)').not.toBe('');
  const pattern = new RegExp(`http://localhost:${port}/password-link/[A-Za-z0-9_-]+`);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${mailpit}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`);
    const list = (await res.json()) as { messages: { ID: string }[] };
    for (const m of list.messages) {
      const msg = (await (await fetch(`${mailpit}/api/v1/message/${m.ID}`)).json()) as { Text: string };
      const found = pattern.exec(msg.Text);
      if (found) return found[0];
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no one-time link to ${address} from port ${port} arrived in Mailpit`);
}

/** Follows a one-time link in a fresh browser and sets the password; returns the page, at the login page. */
export async function accept(browser: Browser, link: string, password: string) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(link);
  await expect(page.getByRole('heading', { name: /^Join / })).toBeVisible();
  await page.getByLabel('New password').fill(password);
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  return page;
}

/** Sets up the authenticator app from the account's security page; returns its secret and recovery codes. */
export async function enrolTOTP(page: Page) {
  await page.getByRole('link', { name: 'Set up authenticator app' }).click();
  await expect(page.getByRole('img', { name: 'QR code of the authenticator secret' })).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret'))!;
  await page.getByLabel('Code from the app').fill(totp(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = await page.getByTestId('recovery-code').allTextContents();
  expect(codes).toHaveLength(10);
  return { secret, codes };
}

/** The organization's id, from the owner's Organization Settings link. */
export async function orgIdOf(page: Page) {
  const href = (await page.getByTestId('org-settings-link').getAttribute('href'))!;
  return href.split('/')[2];
}
