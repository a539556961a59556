import { test, expect, row, events, openMenu, setBlock, grantAccess, DATABASE_LOGS_ONLY } from './fixtures';

// The support side: the provider's support tooling asks through the support
// API, and the customer reads every question and answer in the console.

test('support asks through the API and the owner sees the decision in the Support Access Log', async ({ page, server, login, request }) => {
  const { token } = JSON.parse(server.cli(['support-staff', 'create', '--email', 'tse@provider.test', '--json']));
  expect(token).toMatch(/^sas_[0-9a-f]{64}$/);

  await login(page);
  await setBlock(page, true);
  await page.goto(server.url + '/');
  const groupId = page.url().match(/\/groups\/([0-9a-f]{24})\/clusters/)![1];

  const ask = (clusterName: string, scope: string, caseNumber: string) =>
    request.post(`${server.url}/api/support/v1/access-decisions`, {
      headers: { Authorization: `Bearer ${token}` },
      data: { groupId, clusterName, scope, caseNumber, justification: 'Customer reports replication lag' },
    });
  const denied = await ask('orders-prod', 'INFRASTRUCTURE', '00981234');
  expect(denied.status()).toBe(200);
  expect(await denied.json()).toMatchObject({ allowed: false, grant: null });

  // The owner grants database logs on analytics; support asks again.
  await grantAccess(page, 'analytics', DATABASE_LOGS_ONLY);
  await expect(row(page, 'analytics').getByTestId('countdown')).toBeVisible();
  const allowed = await ask('analytics', 'DATABASE_LOGS', '00985555');
  expect(await allowed.json()).toMatchObject({ allowed: true, grant: { grantType: 'CLUSTER_DATABASE_LOGS' } });

  // A console session is never a support credential.
  const withCookie = await page.request.post(`${server.url}/api/support/v1/access-decisions`, {
    data: { groupId, clusterName: 'analytics', scope: 'DATABASE_LOGS', caseNumber: '1' },
  });
  expect(withCookie.status()).toBe(401);

  // The owner reads both decisions, newest first, with their case numbers.
  await page.getByRole('link', { name: 'Support Access Log' }).click();
  await expect(page.getByRole('heading', { name: 'Support Access Log' })).toBeVisible();
  const rows = page.getByTestId('decision-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('00985555');
  await expect(rows.nth(0)).toContainText('Allowed');
  await expect(rows.nth(0)).toContainText('Database logs only');
  await expect(rows.nth(1)).toContainText('00981234');
  await expect(rows.nth(1)).toContainText('Denied');
  await expect(rows.nth(1)).toContainText('tse@provider.test');

  // Filtered to denied answers.
  await page.getByLabel('Outcome').selectOption('denied');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('00981234');

  // Per cluster, from the cluster's ellipsis menu.
  await page.goto(server.url + '/');
  await openMenu(page, 'analytics');
  await row(page, 'analytics').getByRole('menuitem', { name: 'Support Access Log' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('00985555');

  // From the grant's event in the activity feed, to the decisions made under it.
  await page.getByRole('link', { name: 'Activity Feed' }).click();
  await events(page, 'EMPLOYEE_ACCESS_GRANTED').getByRole('link', { name: 'Support decisions under this grant' }).click();
  await expect(page.getByTestId('grant-filter')).toBeVisible();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('00985555');
});
