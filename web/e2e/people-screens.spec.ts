import AxeBuilder from '@axe-core/playwright';
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { test, expect, OWNER } from './fixtures';
import { accept, invite, orgIdOf, passwordLogin, totp } from './people';

// The People pages and the second factor's pages, on a wide screen and on
// a phone: no axe violation, nothing wider than the screen, and a
// photograph of each under test-results/.../people-screens/ to look at.

const SIZES = [
  { label: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
  { label: 'phone', use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
];

async function shoot(page: Page, testInfo: TestInfo, size: string, name: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const found = results.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  await page.screenshot({ path: path.join(testInfo.project.outputDir, 'people-screens', `${size}-${name}.png`), fullPage: true });
  expect.soft(found, `${name} at ${size}: axe violations`).toEqual([]);
  expect.soft(width.scroll, `${name} at ${size}: wider than the screen`).toBeLessThanOrEqual(width.inner);
}

for (const size of SIZES) {
  test.describe(size.label, () => {
    test.use(size.use);
    test.beforeEach(() => test.slow());

    test('the People pages and the second factor\'s pages', async ({ page, browser, server, login }, testInfo) => {
      await login(page);
      const org = await orgIdOf(page);
      const link = await invite(page, server.url, org, 'priya.natarajan@acme.test', 'Project Support Access Manager', 'Production');
      await shoot(page, testInfo, size.label, 'members-invited');
      await invite(page, server.url, org, 'sam.okafor@acme.test', 'Organization Read Only');
      await page.getByRole('link', { name: 'Manage priya.natarajan@acme.test' }).click();
      await shoot(page, testInfo, size.label, 'member');

      const other = await browser.newContext(size.use);
      const m = await other.newPage();
      await m.goto(link);
      await shoot(m, testInfo, size.label, 'password-link');
      await accept(browser, link, 'a-members-own-password-93').then((p) => p.context().close());
      await m.goto(link);
      await shoot(m, testInfo, size.label, 'password-link-used');

      await page.goto(server.url + '/account/security');
      await shoot(page, testInfo, size.label, 'security');
      await page.getByRole('link', { name: 'Set up authenticator app' }).click();
      await shoot(page, testInfo, size.label, 'totp-setup');
      const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret'))!;
      await page.getByLabel('Code from the app').fill(totp(secret));
      await page.getByRole('button', { name: 'Turn on' }).click();
      await shoot(page, testInfo, size.label, 'recovery-codes');
      await page.getByRole('link', { name: 'I have saved them, continue' }).click();
      await shoot(page, testInfo, size.label, 'security-on');
      await page.goto(server.url + `/orgs/${org}/members`);
      await shoot(page, testInfo, size.label, 'members');
      await page.goto(server.url + `/orgs/${org}/settings`);
      await shoot(page, testInfo, size.label, 'settings');

      await page.getByRole('button', { name: 'Log out' }).click();
      await passwordLogin(page, server.url, OWNER);
      await expect(page.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
      await shoot(page, testInfo, size.label, 'verify');
      await other.close();
    });
  });
}
