import { test as base, expect, Page } from '@playwright/test';
import { spawn, execFileSync, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';

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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
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
    const port = await freePort();
    const env = { ...process.env, DATABASE_URL: dbPath, SUPPORTACCESS_DEMO_PASSWORD: PASSWORD };
    let out = '';
    const proc = spawn(path.join(bin, 'supportaccess'), ['serve', '--addr', `127.0.0.1:${port}`, '--poll-seconds', '2', '--sweep-interval', '1s'], { env });
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    const url = `http://127.0.0.1:${port}`;
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

/** The row of a cluster on the clusters page. */
export function row(page: Page, cluster: string) {
  return page.locator(`tr[data-cluster="${cluster}"]`);
}

/** Opens a cluster's ellipsis menu. */
export async function openMenu(page: Page, cluster: string) {
  // Close any menu that is open, as a person would before opening another.
  for (const open of await page.locator('details.menu[open] > summary').all()) {
    await open.click();
  }
  await row(page, cluster).getByRole('button', { name: `Actions for ${cluster}` }).or(row(page, cluster).locator('summary')).first().click();
}

/** Turns the organization's block setting on or off through Organization Settings. */
export async function setBlock(page: Page, on: boolean) {
  await page.getByRole('link', { name: 'Organization Settings', exact: true }).click();
  const toggle = page.getByRole('switch', { name: 'Block MongoDB Production Support Employee Access to Atlas Infrastructure' });
  if ((await toggle.getAttribute('aria-checked')) !== String(on)) {
    await toggle.click();
  }
  await expect(page.getByRole('switch', { name: 'Block MongoDB Production Support Employee Access to Atlas Infrastructure' })).toHaveAttribute('aria-checked', String(on));
}
