import AxeBuilder from '@axe-core/playwright';
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { test, expect, row, openMenu, setBlock, postFromPage, GRANT_ITEM } from './fixtures';

// Access requests: support asks through the support API with a case
// number, an approver decides in the console, and the decision is on
// record for both sides.

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** Photographs the page at both sizes under test-results/requests/, with no axe violation at either. */
async function photograph(page: Page, testInfo: TestInfo, name: string) {
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    await page.setViewportSize(viewport);
    const results = await new AxeBuilder({ page }).analyze();
    expect.soft(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `${name} at ${size}`).toEqual([]);
    const width = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect.soft(width, `${name} at ${size}: wider than the screen`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(testInfo.project.outputDir, 'requests', `${size}-${name}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

/** The support side: a token, and the calls support tooling makes with it. */
function supportTooling(server: { url: string; cli: (a: string[], i?: string) => string }, request: import('@playwright/test').APIRequestContext) {
  const { token } = JSON.parse(server.cli(['support-staff', 'create', '--email', 'tse@provider.test', '--json']));
  const headers = { Authorization: `Bearer ${token}` };
  return {
    ask: (data: object) => request.post(`${server.url}/api/support/v1/access-requests`, { headers, data }),
    read: (id: string) => request.get(`${server.url}/api/support/v1/access-requests/${id}`, { headers }),
    decide: (data: object) => request.post(`${server.url}/api/support/v1/access-decisions`, { headers, data }),
  };
}

test('support asks, the owner approves in the browser, and the next decision names the request', async ({ page, server, login, request }, testInfo) => {
  const support = supportTooling(server, request);
  await login(page);
  await setBlock(page, true);
  await page.goto(server.url + '/');
  const groupId = page.url().match(/\/groups\/([0-9a-f]{24})\/clusters/)![1];

  const asked = await support.ask({ groupId, clusterName: 'orders-prod', grantType: 'CLUSTER_INFRASTRUCTURE', durationHours: 4,
    caseNumber: '00977777', justification: 'Primary stepped down twice overnight; need the mongod logs and host metrics.' });
  expect(asked.status()).toBe(201);
  const { requestId, status } = await asked.json();
  expect(status).toBe('PENDING');
  // A second, smaller one, so that the page shows more than one.
  expect((await support.ask({ groupId, clusterName: 'analytics', grantType: 'CLUSTER_DATABASE_LOGS', durationHours: 2,
    caseNumber: '00977801', justification: 'Slow aggregation reported by the customer.' })).status()).toBe(201);

  // The customer sees it at once: on the cluster's row, in its menu and in the sidebar.
  await page.reload();
  await expect(row(page, 'orders-prod').getByTestId('request-badge')).toBeVisible();
  await openMenu(page, 'orders-prod');
  await expect(row(page, 'orders-prod').getByRole('menuitem', { name: /Review Access Request · case 00977777/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('pending-count').first()).toHaveText('2');
  await page.getByRole('navigation', { name: 'Sidebar', exact: true }).getByRole('link', { name: /^Access Requests/ }).click();
  await expect(page.getByRole('heading', { name: 'Access Requests' })).toBeVisible();
  const rows = page.getByTestId('request-row');
  await expect(rows).toHaveCount(2);
  await photograph(page, testInfo, 'requests-page');

  // The approval dialog says everything the approver decides on.
  const mine = page.locator(`tr[data-request="${requestId}"]`);
  await mine.getByRole('link', { name: 'Approve' }).click();
  const dialog = page.getByRole('dialog', { name: 'Approve Access Request' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('facts-case')).toHaveText('00977777');
  await expect(dialog).toContainText('Primary stepped down twice overnight');
  await expect(dialog.getByTestId('facts-type')).toHaveText('Atlas cluster infrastructure and all cluster logs, for 4 hours');
  await expect(dialog).toContainText('tse@provider.test');
  await photograph(page, testInfo, 'approve-dialog');

  await dialog.getByRole('button', { name: 'Approve and Grant Access' }).click();
  await expect(dialog).toBeHidden();
  await expect(mine).toHaveAttribute('data-status', 'APPROVED');
  await expect(page.getByTestId('toast')).toContainText('Approved case 00977777');
  // The countdown starts: on the request and on the cluster's row.
  const countdown = mine.getByTestId('countdown');
  await expect(countdown).toHaveText(/^0[34]:\d\d:\d\d$/);
  const first = await countdown.textContent();
  await expect(countdown).not.toHaveText(first!, { timeout: 5_000 });
  await page.goto(server.url + '/');
  await expect(row(page, 'orders-prod').getByTestId('countdown')).toBeVisible();
  await expect(row(page, 'orders-prod').getByTestId('request-badge')).toHaveCount(0);

  // Support reads the approval, and its next decision is allowed and names the request.
  const read = await (await support.read(requestId)).json();
  expect(read).toMatchObject({ status: 'APPROVED', decidedBy: 'owner@acme.test', grant: { grantType: 'CLUSTER_INFRASTRUCTURE', requestId } });
  const decided = await support.decide({ groupId, clusterName: 'orders-prod', scope: 'INFRASTRUCTURE', caseNumber: '00977777' });
  expect(await decided.json()).toMatchObject({ allowed: true, grant: { requestId } });

  // The Support Access Log tells it as one story.
  await page.goto(server.url + `/orgs/${await orgId(page)}/support-access-log`);
  await expect(page.getByTestId('decision-request')).toHaveText('Requested for case 00977777, approved by owner@acme.test');
});

test('a denial with a reason reaches support', async ({ page, server, login, request }) => {
  const support = supportTooling(server, request);
  await login(page);
  await page.goto(server.url + '/');
  const groupId = page.url().match(/\/groups\/([0-9a-f]{24})\/clusters/)![1];
  const { requestId } = await (await support.ask({ groupId, clusterName: 'analytics', grantType: 'CLUSTER_DATABASE_LOGS',
    durationHours: 2, caseNumber: '00977900', justification: 'Query profiling.' })).json();

  await page.reload();
  await openMenu(page, 'analytics');
  await row(page, 'analytics').getByRole('menuitem', { name: /Review Access Request/ }).click();
  await expect(page.getByRole('dialog', { name: 'Approve Access Request' })).toBeVisible();
  // Deny from the Access Requests page instead.
  await page.goto(server.url + `/orgs/${await orgId(page)}/requests`);
  await page.locator(`tr[data-request="${requestId}"]`).getByRole('link', { name: 'Deny' }).click();
  const dialog = page.getByRole('dialog', { name: 'Deny Access Request' });
  // Without a reason the browser keeps the form; with one it goes through.
  await dialog.getByLabel('Reason for support').fill('Use the staging copy of this cluster for profiling.');
  await dialog.getByRole('button', { name: 'Deny Request' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator(`tr[data-request="${requestId}"]`).getByTestId('deny-reason')).toHaveText('Use the staging copy of this cluster for profiling.');

  const read = await (await support.read(requestId)).json();
  expect(read).toMatchObject({ status: 'DENIED', denyReason: 'Use the staging copy of this cluster for profiling.', decidedBy: 'owner@acme.test', grant: null });
});

test('with "require a request" on, a project owner cannot grant directly and reads why', async ({ page, server, login }) => {
  server.cli(['users', 'create', '--email', 'powner@acme.test', '--org', 'Acme Corp', '--role', 'GROUP_OWNER', '--project', 'Production'], 'powner-password-123\n');
  await login(page);
  await setBlock(page, true);
  const policy = page.getByTestId('policy-setting');
  await policy.getByLabel('Require a request').check();
  await policy.getByRole('button', { name: 'Save Policy' }).click();
  await expect(page.getByTestId('toast')).toHaveText('The support access policy is saved.');
  await expect(page.getByTestId('policy-setting').getByLabel('Require a request')).toBeChecked();

  await page.context().clearCookies();
  await login(page, 'powner@acme.test', 'powner-password-123');
  await page.goto(server.url + '/');
  await openMenu(page, 'analytics');
  await page.getByRole('menuitem', { name: GRANT_ITEM }).click();
  const dialog = page.getByRole('dialog', { name: /Grant Infrastructure Access to MongoDB Support/ });
  await expect(dialog.getByTestId('policy-note')).toContainText('requires a request');
  await expect(dialog.getByRole('button', { name: 'Grant Access' })).toHaveCount(0);

  // The form sent anyway (an old tab, a script) is refused with the same reason.
  const groupId = page.url().match(/\/groups\/([0-9a-f]{24})\/clusters/)![1];
  const csrf = await page.locator('input[name=_csrf]').first().inputValue();
  const res = await postFromPage(page, `/groups/${groupId}/clusters/analytics/grant`, { _csrf: csrf, grantType: 'CLUSTER_INFRASTRUCTURE' });
  expect(res.status).toBe(403);
  expect(res.text).toContain('requires a request');
  await page.reload();
  await expect(row(page, 'analytics').getByTestId('countdown')).toHaveCount(0);
});

/** The organization id of the page's links. */
async function orgId(page: Page) {
  const href = await page.getByRole('navigation', { name: 'Sidebar', exact: true }).getByRole('link', { name: 'Activity Feed' }).getAttribute('href');
  return href!.match(/\/orgs\/([0-9a-f]{24})\//)![1];
}
