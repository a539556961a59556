import {
  test, expect, row, events, postFromPage, openMenu, setBlock, blockSwitch, backToClusters, openGrantDialog, grantAccess,
  ORG_SETTINGS, GRANT_ITEM, GRANT_DIALOG, GRANT_ACCESS, INFRA_AND_LOGS, DATABASE_LOGS_ONLY, REVOKE_ITEM, REVOKE_ACCESS,
} from './fixtures';

test('a Project Read Only user sees no grant or revoke item and is refused if they post anyway', async ({ page, server, login, browser }) => {
  server.cli(['users', 'create', '--email', 'reader@acme.test', '--org', 'Acme Corp', '--role', 'GROUP_READ_ONLY', '--project', 'Production'], 'reader-password-123\n');
  // The owner blocks access and grants one cluster, so both menu states exist.
  const owner = await browser.newContext();
  const ownerPage = await owner.newPage();
  await login(ownerPage);
  await setBlock(ownerPage, true);
  await ownerPage.goto(server.url + '/');
  await grantAccess(ownerPage, 'orders-prod');
  await expect(row(ownerPage, 'orders-prod').getByTestId('countdown')).toBeVisible();
  await owner.close();

  await login(page, 'reader@acme.test', 'reader-password-123');
  await expect(row(page, 'orders-prod').getByTestId('countdown')).toBeVisible();
  for (const cluster of ['orders-prod', 'analytics']) {
    await openMenu(page, cluster);
    const r = row(page, cluster);
    await expect(r.getByRole('menuitem', { name: /Grant Temporary/ })).toHaveCount(0);
    await expect(r.getByRole('menuitem', { name: REVOKE_ITEM })).toHaveCount(0);
    if (cluster === 'orders-prod') {
      // The grant in force: its expiry is shown to readers too, with nothing to act on.
      await expect(r.getByTestId('expiry-item')).toContainText('Temporary access expires');
    } else {
      await expect(r.getByText('Your role can see support access here but not change it.')).toBeVisible();
      await expect(r.getByTestId('expiry-item')).toHaveCount(0);
    }
  }

  // Posting anyway from their own page (same origin, their session: the
  // CSRF check passes) is refused for their role and changes nothing.
  const base = page.url().replace(/\/clusters.*$/, '');
  const refusal = 'Your role in this project does not allow granting or revoking support access.';
  const grant = await postFromPage(page, `${base}/clusters/analytics/grant`, { grantType: 'CLUSTER_INFRASTRUCTURE', requestKey: 'reader-try-1' });
  expect(grant.status).toBe(403);
  expect(grant.text).toContain(refusal);
  const revoke = await postFromPage(page, `${base}/clusters/orders-prod/revoke`, {});
  expect(revoke.status).toBe(403);
  expect(revoke.text).toContain(refusal);
  await page.reload();
  await expect(row(page, 'analytics').getByTestId('access-status')).toContainText('No access');
  await expect(row(page, 'orders-prod').getByTestId('countdown')).toBeVisible();
  // Organization Settings is read-only for them, with the reason.
  await page.getByRole('link', { name: ORG_SETTINGS, exact: true }).click();
  await expect(blockSwitch(page)).toBeDisabled();
  await expect(page.getByTestId('readonly-note')).toContainText('only an Organization Owner can adjust it');
});

test('a short grant turns to "no access" on screen at zero, without a reload', async ({ page, server, login }) => {
  await login(page);
  await setBlock(page, true);
  server.grant('analytics', '4s');
  await page.goto(server.url + '/');
  let loads = 0;
  page.on('load', () => loads++);
  const status = row(page, 'analytics').getByTestId('access-status');
  await expect(row(page, 'analytics').getByTestId('countdown')).toHaveText(/^00:00:0[0-4]$/);
  await expect(status).toContainText('No access', { timeout: 10_000 });
  await expect(row(page, 'analytics').getByTestId('countdown')).toHaveCount(0);
  expect(loads, 'the page changed without loading again').toBe(0);
  // The sweeper records the expiry in the activity feed, once: it runs every
  // second, so after the first record several more sweeps must add nothing.
  await page.getByRole('link', { name: 'Activity Feed' }).click();
  await expect(async () => {
    await page.reload();
    await expect(events(page, 'EMPLOYEE_ACCESS_EXPIRED')).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 10_000 });
  await page.waitForTimeout(3_500);
  await page.reload();
  await expect(events(page, 'EMPLOYEE_ACCESS_EXPIRED')).toHaveCount(1);
  await expect(events(page, 'EMPLOYEE_ACCESS_EXPIRED')).toContainText('System');
});

test('a second browser session sees a revoke made in the first without reloading', async ({ browser, server, login }) => {
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await login(a);
  await setBlock(a, true);
  server.grant('orders-prod', '2h');
  await login(b);
  await a.goto(server.url + '/');
  await expect(row(a, 'orders-prod').getByTestId('countdown')).toBeVisible();
  await expect(row(b, 'orders-prod').getByTestId('countdown')).toBeVisible();
  let reloads = 0;
  b.on('load', () => reloads++);
  await openMenu(a, 'orders-prod');
  await a.getByRole('menuitem', { name: REVOKE_ITEM }).click();
  await a.getByRole('dialog').getByRole('button', { name: REVOKE_ACCESS }).click();
  await expect(row(a, 'orders-prod').getByTestId('access-status')).toContainText('No access');
  await expect(row(b, 'orders-prod').getByTestId('access-status')).toContainText('No access', { timeout: 10_000 });
  expect(reloads).toBe(0);
});

test('the grant dialog is accessible: a dialog role, focus inside, Escape closes it', async ({ page, login }) => {
  await login(page);
  await setBlock(page, true);
  await backToClusters(page);
  const dialog = await openGrantDialog(page, 'orders-prod');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel(INFRA_AND_LOGS)).toBeFocused();
  // Focus stays in the dialog: Tab and Shift+Tab cycle through its controls
  // and never reach the page behind it.
  const focusables = await dialog.locator('input:not([type=hidden]), button, a[href]').count();
  expect(focusables).toBeGreaterThan(2);
  for (const key of ['Tab', 'Shift+Tab']) {
    const seen = new Set<string>();
    for (let i = 0; i < focusables * 2 + 1; i++) {
      await page.keyboard.press(key);
      const where = await page.evaluate(() => {
        const a = document.activeElement;
        if (!a || a === document.body) return 'body';
        return a.closest('dialog[open]') ? 'dialog:' + (a.getAttribute('value') || a.textContent || '').trim() : 'outside:' + a.outerHTML.slice(0, 80);
      });
      expect(where, `${key} #${i + 1} left the dialog`).not.toMatch(/^outside:/);
      seen.add(where);
    }
    // The cycle runs through the whole dialog: the choices (one stop for the
    // radio group), Grant Access and Cancel.
    expect([...seen].some((w) => w.startsWith('dialog:CLUSTER_')), [...seen].join(', ')).toBe(true);
    expect(seen).toContain('dialog:' + GRANT_ACCESS);
    expect(seen).toContain('dialog:Cancel');
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  // Cancel closes it too, and nothing was granted.
  await openGrantDialog(page, 'orders-prod');
  await page.getByRole('dialog').getByRole('link', { name: 'Cancel' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(row(page, 'orders-prod').getByTestId('access-status')).toContainText('No access');
});

test('a double-clicked "Grant Access" makes one grant and one event', async ({ page, login }) => {
  await login(page);
  await setBlock(page, true);
  await backToClusters(page);
  await openGrantDialog(page, 'analytics');
  await page.getByRole('dialog').getByRole('button', { name: GRANT_ACCESS }).dblclick();
  await expect(row(page, 'analytics').getByTestId('countdown')).toBeVisible();
  await page.getByRole('link', { name: 'Activity Feed' }).click();
  await expect(events(page, 'EMPLOYEE_ACCESS_GRANTED')).toHaveCount(1);
  await expect(events(page, 'EMPLOYEE_ACCESS_GRANT_REPLACED')).toHaveCount(0);
});

test('one grant form submitted many times at once makes one grant: the server, not the button, is idempotent', async ({ page, login }) => {
  await login(page);
  await setBlock(page, true);
  await backToClusters(page);
  const dialog = await openGrantDialog(page, 'analytics');
  const form = dialog.locator('form');
  const action = new URL((await form.getAttribute('action'))!, page.url()).toString();
  const fields: Record<string, string> = {};
  for (const input of await form.locator('input[type=hidden]').all()) {
    fields[(await input.getAttribute('name'))!] = (await input.getAttribute('value'))!;
  }
  expect(fields.requestKey, 'the form carries a request key').toBeTruthy();
  fields.grantType = 'CLUSTER_DATABASE_LOGS';
  // Eight submissions of the same form race each other from the page; the
  // button is never clicked. Each is answered like the first: back to the
  // clusters page.
  const answers = await Promise.all(Array.from({ length: 8 }, () => postFromPage(page, action, fields)));
  for (const a of answers) {
    expect(a.status, a.text.slice(0, 300)).toBe(200);
    expect(a.url).toMatch(/\/clusters$/);
  }
  await page.goto(page.url());
  await expect(row(page, 'analytics').getByTestId('access-status')).toContainText('Database logs only');
  await page.getByRole('link', { name: 'Activity Feed' }).click();
  await expect(events(page, 'EMPLOYEE_ACCESS_GRANTED')).toHaveCount(1);
  await expect(events(page, 'EMPLOYEE_ACCESS_GRANT_REPLACED')).toHaveCount(0);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('every procedure works with plain pages and forms', async ({ page, login, server }) => {
    await login(page);
    await page.goto(server.url + '/');
    const settingsURL = await page.getByRole('link', { name: ORG_SETTINGS, exact: true }).getAttribute('href');
    await page.goto(server.url + settingsURL);
    await blockSwitch(page).click();
    await expect(blockSwitch(page)).toHaveAttribute('aria-checked', 'true');
    await page.goto(server.url + '/');
    // The menu is a details element: it opens without a script; the item is a link to a page.
    await row(page, 'orders-prod').locator('summary').click();
    await row(page, 'orders-prod').getByRole('menuitem', { name: GRANT_ITEM }).click();
    await expect(page.getByRole('heading', { name: GRANT_DIALOG })).toBeVisible();
    await page.getByLabel(DATABASE_LOGS_ONLY).check();
    await page.getByRole('button', { name: GRANT_ACCESS }).click();
    await expect(row(page, 'orders-prod').getByTestId('access-status')).toContainText('Database logs only');
    await expect(page.getByTestId('toast')).toContainText('Granted');
    await row(page, 'orders-prod').locator('summary').click();
    await row(page, 'orders-prod').getByRole('menuitem', { name: REVOKE_ITEM }).click();
    await expect(page.getByText("Any downloads in progress won't be interrupted if you revoke this access.")).toBeVisible();
    await page.getByRole('button', { name: REVOKE_ACCESS }).click();
    await expect(row(page, 'orders-prod').getByTestId('access-status')).toContainText('No access');
  });
});
