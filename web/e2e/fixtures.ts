import { test as base, expect, Page } from '@playwright/test';
import { spawn, execFileSync, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';

export const OWNER = 'owner@acme.test';
export const PASSWORD = 'e2e-demo-password-42';
const bin = path.resolve(__dirname, '..', '.bin');

/** A running server binary with its own temporary SQLite database. */
export type Server = {
  url: string;
  dbPath: string;
  /** Runs an operator subcommand against this server's database. */
  cli: (args: string[], input?: string) => string;
  /** Grants access through the model layer, with any expiry up to 24 h. */
  grant: (cluster: string, expiresIn: string, type?: string) => void;
};

/**
 * A port free right now on 127.0.0.1. The server is told its public
 * address (http://localhost:PORT, for the links in emails and as the
 * passkeys' relying party), so it must know its port before it starts;
 * the short gap between choosing and binding is retried (startServer).
 */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Waits for the server's "serving" log line and returns the address it
 * bound.
 */
async function boundURL(proc: ChildProcess, log: () => string): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const m = /msg=serving url=(http:\/\/127\.0\.0\.1:\d+)/.exec(log());
    if (m) return m[1];
    if (proc.exitCode !== null) throw new Error(`server exited early:\n${log()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`server never said where it listens:\n${log()}`);
}

async function waitReady(url: string, proc: ChildProcess, log: () => string) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited early:\n${log()}`);
    try {
      const res = await fetch(url + '/readyz');
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server not ready:\n${log()}`);
}

export const test = base.extend<{ server: Server; login: (page: Page, email?: string, password?: string) => Promise<void> }>({
  server: async ({}, use) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-e2e-'));
    const dbPath = path.join(dir, 'e2e.db');
    // Alerts go to the Mailpit that .ci/with-mailpit starts, when it runs.
    const env = { ...process.env, DATABASE_URL: dbPath, SUPPORTACCESS_DEMO_PASSWORD: PASSWORD, SUPPORTACCESS_SEED_DEMO: '1',
      SUPPORTACCESS_SMTP_URL: process.env.TEST_SMTP_URL ?? '', SUPPORTACCESS_SMTP_FROM: 'Support Access Console <alerts@console.acme.test>',
      SUPPORTACCESS_ALERT_POLL: '200ms' };
    let out = '';
    let proc!: ChildProcess;
    let url = '';
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      out = '';
      proc = spawn(path.join(bin, 'supportaccess'), ['serve', '--addr', `127.0.0.1:${port}`, '--poll-seconds', '2', '--sweep-interval', '1s'],
        { env: { ...env, SUPPORTACCESS_PUBLIC_URL: `http://localhost:${port}` } });
      const p = proc;
      p.stdout!.on('data', (d) => (out += d));
      p.stderr!.on('data', (d) => (out += d));
      try {
        url = await boundURL(p, () => out);
        break;
      } catch (e) {
        if (attempt >= 3 || !/address already in use/.test(out)) throw e;
      }
    }
    await waitReady(url, proc, () => out);
    const cli = (args: string[], input = '') =>
      execFileSync(path.join(bin, 'supportaccess'), args, { env, input, encoding: 'utf8' });
    const grant = (cluster: string, expiresIn: string, type = 'CLUSTER_INFRASTRUCTURE') => {
      execFileSync(path.join(bin, 'e2etool'), ['grant', '--db', dbPath, '--cluster', cluster, '--expires-in', expiresIn, '--type', type]);
    };
    await use({ url, dbPath, cli, grant });
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  },
  login: async ({ server }, use) => {
    await use(async (page: Page, email = OWNER, password = PASSWORD) => {
      await page.goto(server.url + '/login');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expect(page.getByTestId('current-user')).toHaveText(email);
    });
  },
});

export { expect };

// The console's labels, word for word as the source procedure
// (configure-support-access.txt) names them. Never reword one here: the specs
// check that the console says exactly what the procedure tells a person to look for.
export const ORG_SETTINGS = 'Organization Settings';
export const BLOCK_SWITCH = 'Block MongoDB Production Support Employee Access to Atlas Infrastructure';
export const GRANT_ITEM = 'Grant Temporary Infrastructure Access to MongoDB Support';
export const GRANT_SYNC_ITEM = 'Grant Temporary Sync Data Access to MongoDB Support';
export const GRANT_DIALOG = 'Grant Infrastructure Access to MongoDB Support for 24 hours';
export const GRANT_ACCESS = 'Grant Access';
/** The three choices in the grant dialog. */
export const INFRA_AND_LOGS = 'Atlas cluster infrastructure and all cluster logs';
export const DATABASE_LOGS_ONLY = 'Only database logs';
export const INFRA_AND_SYNC = 'Grant Infrastructure and App Services Sync Data';
/** The menu item and the confirmation dialog that revoke a grant. */
export const REVOKE_ITEM = 'Revoke Temporary Infrastructure Access';
export const REVOKE_ACCESS = 'Revoke Access';

/** The row of a cluster on the clusters page. */
export function row(page: Page, cluster: string) {
  return page.locator(`tr[data-cluster="${cluster}"]`);
}

/** The activity feed's rows of one event type. */
export function events(page: Page, type: string) {
  return page.locator(`[data-testid=event-row][data-event-type=${type}]`);
}

/** From Organization Settings (or any /orgs/ page), back to the start page: the clusters page. */
export async function backToClusters(page: Page) {
  await page.goto(page.url().replace(/\/orgs\/.*/, '/'));
}

/**
 * The open menus' triggers: a menu button whose menu is open, or without
 * JavaScript the <summary> of an open <details>.
 */
function openMenuTriggers(page: Page) {
  return page.locator('.menu > [aria-haspopup=menu][aria-expanded=true], details.menu[open] > summary');
}

/** Opens a cluster's ellipsis menu: the menu button at the right of its row. */
export async function openMenu(page: Page, cluster: string) {
  // Close any menu that is open, as a person would before opening another.
  for (const open of await openMenuTriggers(page).all()) {
    await open.click();
  }
  const trigger = row(page, cluster).getByRole('button', { name: `Actions for ${cluster}`, exact: true });
  // The table re-syncs every 2 s while no menu is open: a click that lands
  // as a re-synced row replaces the button opens nothing, so the person
  // clicks again, as one would.
  await expect(async () => {
    await trigger.click();
    await expect(trigger).toHaveAttribute('aria-expanded', 'true', { timeout: 1000 });
  }).toPass({ timeout: 10_000 });
}

/** The Organizations menu's button in the navigation bar (its name is what it shows). */
export function orgMenu(page: Page) {
  return page.getByRole('button', { name: /^Organizations\b/ });
}

/** The Projects menu's button in the navigation bar. */
export function projectsMenu(page: Page) {
  return page.getByRole('button', { name: /^Projects\b/ });
}

/** Whether the page is laid out for a phone: the sidebar is then the Menu of the navigation bar. */
export function isPhone(page: Page) {
  return (page.viewportSize()?.width ?? 1280) <= 760;
}

/**
 * Goes to a section of the sidebar (Clusters, Activity Feed, ...): a link
 * of the sidebar on a wide screen, an item of the Menu on a phone.
 */
export async function sidebarLink(page: Page, name: string) {
  if (!isPhone(page)) {
    await page.getByRole('navigation', { name: 'Sidebar', exact: true }).getByRole('link', { name, exact: true }).click();
    return;
  }
  await page.getByRole('button', { name: 'Menu', exact: true }).click();
  await page.getByRole('menu', { name: 'Sidebar', exact: true }).getByRole('menuitem', { name, exact: true }).click();
}

/** The block switch on Organization Settings. */
export function blockSwitch(page: Page) {
  return page.getByRole('switch', { name: BLOCK_SWITCH });
}

/** Turns the organization's block setting on or off through Organization Settings. */
export async function setBlock(page: Page, on: boolean) {
  await page.getByRole('link', { name: ORG_SETTINGS, exact: true }).click();
  const toggle = blockSwitch(page);
  if ((await toggle.getAttribute('aria-checked')) !== String(on)) {
    await toggle.click();
  }
  await expect(blockSwitch(page)).toHaveAttribute('aria-checked', String(on));
}

/**
 * Opens the grant dialog from a cluster's ellipsis menu (the cluster's
 * Grant Temporary Infrastructure Access item) and returns the dialog.
 */
export async function openGrantDialog(page: Page, cluster: string) {
  await openMenu(page, cluster);
  await page.getByRole('menuitem', { name: GRANT_ITEM }).click();
  return page.getByRole('dialog', { name: GRANT_DIALOG });
}

/**
 * Grants access to a cluster through the grant dialog: selects `type` (one of
 * the three choices; without it the dialog's preselected choice stays) and
 * clicks Grant Access. Callers check the outcome themselves.
 */
export async function grantAccess(page: Page, cluster: string, type?: string) {
  const dialog = await openGrantDialog(page, cluster);
  if (type) await dialog.getByLabel(type).check();
  await dialog.getByRole('button', { name: GRANT_ACCESS }).click();
}

/** What postFromPage got back. */
export type Posted = { status: number; url: string; text: string };

/**
 * Posts a form from inside the page with the browser's fetch, as the
 * console's own forms do: same origin (the browser sets Sec-Fetch-Site,
 * which the CSRF check reads) and the session cookie. Redirects are
 * followed; `url` is where the answer came from.
 */
export async function postFromPage(page: Page, action: string, fields: Record<string, string>): Promise<Posted> {
  return page.evaluate(async ({ action, fields }) => {
    const r = await fetch(action, { method: 'POST', body: new URLSearchParams(fields), credentials: 'same-origin' });
    return { status: r.status, url: r.url, text: await r.text() };
  }, { action, fields });
}
