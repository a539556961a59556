import path from 'node:path';
import { test, expect, sidebarLink, setBlock } from './fixtures';

// Verify on both log pages recomputes the record's seals: after a change
// is recorded and sealed (the server seals every second), both say
// "intact", in place with htmx and on a page of its own without
// JavaScript. Screenshots at desktop and phone size.

const pages = [
  { name: 'Activity Feed', slug: 'activity' },
  { name: 'Support Access Log', slug: 'support-access-log' },
];

test('Verify says the record is intact on both log pages', async ({ page, login }, testInfo) => {
  await login(page);
  await setBlock(page, true);
  for (const { name, slug } of pages) {
    for (const size of [{ width: 1280, height: 800, tag: 'desktop' }, { width: 390, height: 844, tag: 'phone' }]) {
      await page.setViewportSize(size);
      await sidebarLink(page, name);
      await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
      // The block change is sealed within a second or two of being made.
      await expect(async () => {
        await page.getByTestId('verify-button').click();
        await expect(page.getByTestId('verify-result')).toHaveAttribute('data-intact', 'true', { timeout: 1000 });
        await expect(page.getByTestId('verify-result')).toContainText(/^Intact up to \d{4}-\d\d-\d\d/, { timeout: 1000 });
      }).toPass({ timeout: 15_000 });
      await expect(page.getByTestId('verify-result')).toContainText('match their seals');
      await expect(page.getByRole('button', { name: 'Verify again' })).toBeVisible();
      await page.screenshot({ path: path.join(testInfo.project.outputDir, 'screens', `${size.tag}-verify-${slug}.png`), fullPage: false });
    }
  }
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('Verify opens a page of its own and links back', async ({ page, login }) => {
    await login(page);
    await sidebarLink(page, 'Activity Feed');
    await page.getByTestId('verify-button').click();
    await expect(page.getByRole('heading', { name: 'Verify the record' })).toBeVisible();
    await expect(page.getByTestId('verify-result')).toHaveAttribute('data-intact', 'true');
    await page.getByRole('link', { name: 'Back to the Activity Feed' }).click();
    await expect(page.getByRole('heading', { name: 'Activity Feed', exact: true })).toBeVisible();
  });
});
