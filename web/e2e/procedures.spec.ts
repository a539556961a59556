import {
  test, expect, row, openMenu, setBlock, blockSwitch, backToClusters, openGrantDialog, grantAccess, projectsMenu, sidebarLink,
  ORG_SETTINGS, GRANT_ITEM, GRANT_SYNC_ITEM, GRANT_DIALOG, GRANT_ACCESS,
  INFRA_AND_LOGS, DATABASE_LOGS_ONLY, INFRA_AND_SYNC, REVOKE_ITEM, REVOKE_ACCESS,
} from './fixtures';

// Each test walks one procedure of the source document as a person would,
// on a wide screen and again on a phone (the phone project of
// playwright.config.ts).

test('block access at the organization level', async ({ page, server, login }) => {
  await login(page);
  await page.getByRole('link', { name: ORG_SETTINGS, exact: true }).click();
  await expect(page.getByRole('heading', { name: ORG_SETTINGS })).toBeVisible();
  await expect(page.getByText('Blocking infrastructure access from MongoDB Support may increase support issue response and resolution time')).toBeVisible();
  const toggle = blockSwitch(page);
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await toggle.click();
  await expect(blockSwitch(page)).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('toast')).toContainText('Support access is now blocked for Acme Corp');
  // The clusters page says so, and each cluster shows no access.
  await projectsMenu(page).click();
  await page.getByRole('menuitem', { name: /Production/ }).click();
  await expect(page.getByTestId('block-banner')).toContainText('Support access is blocked for Acme Corp');
  await expect(row(page, 'analytics').getByTestId('access-status')).toContainText('No access');
  // The activity feed records who did it.
  await sidebarLink(page, 'Activity Feed');
  const ev = page.getByTestId('event-row').first();
  await expect(ev).toContainText('Support access blocked');
  await expect(ev).toContainText('owner@acme.test');
});

for (const kind of [
  { label: INFRA_AND_LOGS, cluster: 'orders-prod', short: 'Infrastructure and logs' },
  { label: DATABASE_LOGS_ONLY, cluster: 'analytics', short: 'Database logs only' },
  { label: INFRA_AND_SYNC, cluster: 'orders-prod', short: 'Infrastructure and sync data' },
]) {
  test(`grant 24-hour access: ${kind.label}`, async ({ page, login }) => {
    await login(page);
    await setBlock(page, true);
    await backToClusters(page);
    await openMenu(page, kind.cluster);
    await page.getByRole('menuitem', { name: GRANT_ITEM }).click();
    const dialog = page.getByRole('dialog', { name: GRANT_DIALOG });
    await expect(dialog).toBeVisible();
    await dialog.getByLabel(kind.label).check();
    await dialog.getByRole('button', { name: GRANT_ACCESS }).click();
    await expect(dialog).toBeHidden();
    const r = row(page, kind.cluster);
    await expect(r.getByTestId('access-status')).toContainText('Access granted');
    await expect(r.getByTestId('access-status')).toContainText(kind.short);
    // The countdown shows close to 24 hours and ticks down.
    const countdown = r.getByTestId('countdown');
    await expect(countdown).toHaveText(/^2[34]:[0-5]\d:[0-5]\d$/);
    const first = await countdown.textContent();
    await expect(countdown).not.toHaveText(first!, { timeout: 3000 });
    // A new item in the menu says when access expires.
    await openMenu(page, kind.cluster);
    await expect(r.getByTestId('expiry-item')).toContainText('Temporary access expires');
    await expect(r.getByRole('menuitem', { name: REVOKE_ITEM })).toBeVisible();
  });
}

test('the sync choice appears only where App Services sync is enabled', async ({ page, login }) => {
  await login(page);
  await setBlock(page, true);
  await backToClusters(page);
  await openGrantDialog(page, 'analytics');
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByLabel(INFRA_AND_LOGS)).toBeVisible();
  await expect(dialog.getByLabel(DATABASE_LOGS_ONLY)).toBeVisible();
  await expect(dialog.getByLabel(INFRA_AND_SYNC)).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('grant sync data access with the block off', async ({ page, login }) => {
  await login(page);
  await expect(page.getByTestId('block-banner')).toContainText('Support access is not blocked');
  await openMenu(page, 'orders-prod');
  await expect(row(page, 'orders-prod').getByRole('menuitem', { name: GRANT_ITEM })).toHaveCount(0);
  await row(page, 'orders-prod').getByRole('menuitem', { name: GRANT_SYNC_ITEM }).click();
  const r = row(page, 'orders-prod');
  await expect(r.getByTestId('access-status')).toContainText('Infrastructure and sync data');
  await openMenu(page, 'orders-prod');
  await expect(r.getByTestId('expiry-item')).toContainText('Temporary access expires');
  // analytics has no sync, so with the block off there is nothing to grant:
  // the menu says why, and its one item is the cluster's Support Access Log.
  await openMenu(page, 'analytics');
  await expect(row(page, 'analytics').getByRole('menuitem', { name: /^(Grant|Revoke)/ })).toHaveCount(0);
  await expect(row(page, 'analytics').getByRole('menuitem')).toHaveText(['Support Access Log']);
  await expect(row(page, 'analytics').getByText('Block it in Organization Settings to grant access case by case.')).toBeVisible();
});

test('revoke temporary infrastructure access with confirmation', async ({ page, login }) => {
  await login(page);
  await setBlock(page, true);
  await backToClusters(page);
  await grantAccess(page, 'analytics');
  await expect(row(page, 'analytics').getByTestId('countdown')).toBeVisible();
  await openMenu(page, 'analytics');
  await page.getByRole('menuitem', { name: REVOKE_ITEM }).click();
  const confirm = page.getByRole('dialog', { name: REVOKE_ITEM });
  await expect(confirm).toContainText('Ensure that all issues requiring MongoDB Support have been addressed before revoking access.');
  await confirm.getByRole('button', { name: REVOKE_ACCESS }).click();
  await expect(confirm).toBeHidden();
  await expect(row(page, 'analytics').getByTestId('access-status')).toContainText('No access');
  await expect(row(page, 'analytics').getByTestId('countdown')).toHaveCount(0);
  await sidebarLink(page, 'Activity Feed');
  await expect(page.getByTestId('event-row').first()).toContainText('Temporary access revoked');
});
