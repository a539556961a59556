import AxeBuilder from '@axe-core/playwright';
import axe from 'axe-core';
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import {
  test, expect, row, openMenu, setBlock, backToClusters, orgMenu, projectsMenu, isPhone, sidebarLink,
  GRANT_ITEM, GRANT_DIALOG, GRANT_ACCESS, REVOKE_ITEM,
} from './fixtures';

// Every page, dialog and open menu, on a wide screen and on a phone: no
// axe violation (the experimental rules too, label-content-name-mismatch
// among them) and nothing wider than the screen. Each state is also
// photographed under test-results/screens/, to be looked at.

// Reduced motion: the toast then shows whole, so that axe never measures
// its contrast halfway through a fade.
const SIZES = [
  { label: 'desktop', use: { viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' as const } },
  { label: 'phone', use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, reducedMotion: 'reduce' as const } },
];

// Every rule axe has, the experimental ones switched on as well.
const RULES = Object.fromEntries(axe.getRules(['experimental']).map((r) => [r.ruleId, { enabled: true }]));

/** Scans the page as it stands, checks its width and photographs it. */
async function check(page: Page, testInfo: TestInfo, size: string, name: string) {
  const results = await new AxeBuilder({ page }).options({ rules: RULES }).analyze();
  const found = results.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`));
  const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  // Nothing sticks out at either side either (scrollWidth misses the left
  // edge): whatever is wider sits in a box of its own that scrolls or clips.
  const outside = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || (r.left >= -0.5 && r.right <= window.innerWidth + 0.5)) continue;
      let contained = false;
      for (let a: Element | null = el; a && a !== document.body; a = a.parentElement) {
        const cs = getComputedStyle(a);
        if ((a !== el && cs.overflowX !== 'visible') || cs.clip !== 'auto' || a.classList.contains('skip')) { contained = true; break; }
      }
      if (!contained) out.push(`<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> spans ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
    return out;
  });
  await page.screenshot({ path: path.join(testInfo.project.outputDir, 'screens', `${size}-${name}.png`), fullPage: true });
  expect.soft(found, `${name} at ${size}: axe violations`).toEqual([]);
  expect.soft(width.scroll, `${name} at ${size}: wider than the screen`).toBeLessThanOrEqual(width.inner);
  expect.soft(outside, `${name} at ${size}: outside the screen`).toEqual([]);
}

/** Opens a menu with its button, checks it is open, and returns the menu. */
async function open(page: Page, button: ReturnType<Page['getByRole']>, menuName?: string) {
  await button.click();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  const menu = menuName ? page.getByRole('menu', { name: menuName, exact: true }) : page.getByRole('menu');
  await expect(menu).toBeVisible();
  return menu;
}

for (const size of SIZES) {
  test.describe(`at ${size.label} size`, () => {
    test.use(size.use);

    test('every page, dialog and open menu has no axe violation and fits the screen', async ({ page, server, login, request }, testInfo) => {
      test.setTimeout(240_000);
      const scan = (name: string) => check(page, testInfo, size.label, name);

      await page.goto(server.url + '/login');
      await scan('login');
      await login(page);
      await expect(row(page, 'orders-prod')).toBeVisible();
      await scan('clusters');

      // The navigation bar's menus, and the sidebar's on a phone.
      await open(page, orgMenu(page), 'Organizations menu');
      await scan('menu-organizations');
      await page.keyboard.press('Escape');
      await open(page, projectsMenu(page), 'Projects menu');
      await scan('menu-projects');
      await page.keyboard.press('Escape');
      if (isPhone(page)) {
        await open(page, page.getByRole('button', { name: 'Menu', exact: true }), 'Sidebar');
        await scan('menu-sidebar');
        await page.keyboard.press('Escape');
      }
      // A cluster's menu with the block off: the sync item, and a cluster
      // with nothing to grant.
      await openMenu(page, 'orders-prod');
      await scan('menu-cluster-sync');
      await page.keyboard.press('Escape');
      await openMenu(page, 'analytics');
      await scan('menu-cluster-standing-access');
      await page.keyboard.press('Escape');

      // Empty states, before anything has happened.
      await sidebarLink(page, 'Activity Feed');
      await expect(page.getByRole('heading', { name: 'Activity Feed' })).toBeVisible();
      await scan('activity-empty');
      await sidebarLink(page, 'Support Access Log');
      await expect(page.getByRole('heading', { name: 'Support Access Log' })).toBeVisible();
      await expect(page.getByText('No decisions yet.')).toBeVisible();
      await scan('access-log-empty');
      await sidebarLink(page, 'API Keys');
      await expect(page.getByText('No API keys yet.')).toBeVisible();
      await scan('apikeys-empty');
      server.cli(['projects', 'create', '--org', 'Acme Corp', '--name', 'Reporting']);
      await backToClusters(page);
      await projectsMenu(page).click();
      await page.getByRole('menuitem', { name: /^Reporting/ }).click();
      await expect(page.getByText('This project has no clusters yet.')).toBeVisible();
      await scan('clusters-empty');
      await sidebarLink(page, 'Alerts');
      await expect(page.getByRole('heading', { name: 'Alerts', exact: true })).toBeVisible();
      await scan('alerts');

      await page.goto(server.url + '/account/password');
      await scan('account-password');
      await page.goto(server.url + '/groups/ffffffffffffffffffffffff/clusters');
      await expect(page.getByTestId('error-page')).toBeVisible();
      await scan('error');

      // Block, grant through the dialog, and the revoke confirmation.
      await page.goto(server.url + '/');
      await setBlock(page, true);
      await scan('settings');
      await backToClusters(page);
      await openMenu(page, 'orders-prod');
      await scan('menu-cluster-blocked');
      await page.getByRole('menuitem', { name: GRANT_ITEM }).click();
      const grant = page.getByRole('dialog', { name: GRANT_DIALOG });
      await expect(grant).toBeVisible();
      await scan('dialog-grant');
      await grant.getByRole('button', { name: GRANT_ACCESS }).click();
      await expect(grant).toBeHidden();
      await expect(row(page, 'orders-prod').getByTestId('countdown')).toBeVisible();
      await scan('clusters-granted');
      await openMenu(page, 'orders-prod');
      await scan('menu-cluster-granted');
      await page.getByRole('menuitem', { name: REVOKE_ITEM }).click();
      const revoke = page.getByRole('dialog', { name: REVOKE_ITEM });
      await expect(revoke).toBeVisible();
      await scan('dialog-revoke');
      await revoke.getByRole('link', { name: 'Cancel' }).click();
      await expect(revoke).toBeHidden();

      // Support asks, so that the Support Access Log has rows of both kinds.
      const { token } = JSON.parse(server.cli(['support-staff', 'create', '--email', 'tse@provider.test', '--json']));
      const groupId = page.url().match(/\/groups\/([0-9a-f]{24})\/clusters/)![1];
      for (const [clusterName, scope, caseNumber] of [['analytics', 'INFRASTRUCTURE', '00981234'], ['orders-prod', 'DATABASE_LOGS', '00985555']]) {
        const res = await request.post(`${server.url}/api/support/v1/access-decisions`, {
          headers: { Authorization: `Bearer ${token}` },
          data: { groupId, clusterName, scope, caseNumber, justification: 'Customer reports replication lag on the secondary since the last deploy' },
        });
        expect(res.status()).toBe(200);
      }
      await sidebarLink(page, 'Support Access Log');
      await expect(page.getByTestId('decision-row')).toHaveCount(2);
      await scan('access-log');
      await sidebarLink(page, 'Activity Feed');
      await expect(page.getByTestId('event-row').first()).toBeVisible();
      await scan('activity');
      await sidebarLink(page, 'API Keys');
      const form = page.getByTestId('key-form');
      await form.getByLabel('Description', { exact: true }).fill('nightly export');
      await form.getByRole('button', { name: 'Create API Key' }).click();
      await expect(page.getByTestId('new-secret')).toBeVisible();
      await scan('apikeys');
    });
  });
}
