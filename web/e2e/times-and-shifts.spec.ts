import { test, expect, row, setBlock, backToClusters, sidebarLink } from './fixtures';

// Times show in the viewer's time zone, UTC on hover or by choice on the
// log pages; and nothing on a page moves when a partial swaps in.

test.describe('in Kolkata (UTC+05:30)', () => {
  test.use({ timezoneId: 'Asia/Kolkata' });

  test('the log pages show local times, UTC on hover, and UTC when asked', async ({ page, login }) => {
    await login(page);
    await setBlock(page, true);
    await sidebarLink(page, 'Activity Feed');
    const time = page.getByTestId('event-row').first().locator('time');
    const iso = (await time.getAttribute('datetime'))!;
    const at = new Date(iso);
    const utcText = at.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
    const local = new Date(at.getTime() + 330 * 60_000).toISOString().slice(0, 19).replace('T', ' ') + ' GMT+5:30';
    await expect(time).toHaveText(local);
    await expect(time).toHaveAttribute('title', utcText);

    // UTC by choice, kept across pages and visits.
    const toggle = page.getByLabel('Show times in UTC');
    await expect(toggle).not.toBeChecked();
    await toggle.check();
    await expect(time).toHaveText(utcText);
    await expect(time).toHaveAttribute('title', local);
    await page.reload();
    await expect(page.getByLabel('Show times in UTC')).toBeChecked();
    await expect(page.getByTestId('event-row').first().locator('time')).toHaveText(utcText);
    await page.getByLabel('Show times in UTC').uncheck();
    await expect(page.getByTestId('event-row').first().locator('time')).toHaveText(local);
  });

  test('the expiry in a cluster\'s menu and the revoke confirmation say local time', async ({ page, server, login }) => {
    await login(page);
    await setBlock(page, true);
    server.grant('orders-prod', '2h');
    await backToClusters(page);
    await row(page, 'orders-prod').getByRole('button', { name: 'Actions for orders-prod' }).click();
    const expiry = row(page, 'orders-prod').getByTestId('expiry-item').locator('time');
    await expect(expiry).toHaveText(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d\d:\d\d GMT\+5:30$/);
    await expect(expiry).toHaveAttribute('title', /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d\d:\d\d UTC$/);
    const shown = await expiry.textContent();
    await row(page, 'orders-prod').getByRole('menuitem', { name: 'Revoke Temporary Infrastructure Access' }).click();
    const until = page.getByRole('dialog').locator('time');
    await expect(until).toHaveText(shown!);
    await expect(page.getByRole('dialog')).toContainText(`until ${shown}. Revoking ends it now.`);
  });
});

/** Collects the page's layout shifts from its start (buffered). */
async function shifts(page: import('@playwright/test').Page) {
  return page.evaluate(() => new Promise<number>((resolve) => {
    let sum = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!e.hadRecentInput) sum += e.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
    setTimeout(() => resolve(sum), 200);
  }));
}

for (const size of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
  test(`nothing moves while the clusters page re-syncs and counts down, ${size.width} px wide`, async ({ page, server, login }) => {
    await page.setViewportSize(size);
    await login(page);
    await setBlock(page, true);
    server.grant('orders-prod', '2h');
    await backToClusters(page);
    await expect(row(page, 'orders-prod').getByTestId('countdown')).toBeVisible();
    // Several re-syncs (every 2 s) and countdown ticks happen meanwhile.
    let swaps = 0;
    page.on('response', (r) => { if (r.url().endsWith('/clusters') && r.request().headers()['hx-request']) swaps++; });
    await expect.poll(() => swaps, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(await shifts(page)).toBe(0);
    // The log pages too, whose times change to local ones as they load.
    await sidebarLink(page, 'Activity Feed');
    await expect(page.getByTestId('event-row').first()).toBeVisible();
    expect(await shifts(page)).toBe(0);
  });
}
