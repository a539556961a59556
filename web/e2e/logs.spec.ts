import path from 'node:path';
import { test, expect } from './fixtures';

// The logs at size: the Support Access Log and the Activity Feed page by
// keyset (Newer / Older), count up to a thousand, and download what the
// filters show.

test('the Support Access Log pages newer and older and downloads its filtered rows', async ({ page, server, login }, testInfo) => {
  server.cli(['loadseed', '--org', 'Acme Corp', '--to-existing', '--decisions', '1200', '--days', '30']);
  await login(page);
  await page.getByRole('link', { name: 'Support Access Log' }).first().click();
  await expect(page.getByRole('heading', { name: 'Support Access Log' })).toBeVisible();
  await expect(page.getByTestId('decision-row')).toHaveCount(50);
  await expect(page.getByTestId('pager-count')).toHaveText('Showing 50 of more than 1,000');

  const firstOnTop = await page.getByTestId('decision-row').first().getByTestId('decision-case').textContent();
  await page.getByRole('link', { name: 'Older' }).click();
  await expect(page).toHaveURL(/before=[0-9a-f]{24}/);
  await expect(page.getByTestId('decision-row')).toHaveCount(50);
  await page.getByRole('link', { name: 'Newer' }).click();
  await expect(page.getByTestId('decision-row').first().getByTestId('decision-case')).toHaveText(firstOnTop!);
  await expect(page.getByRole('link', { name: 'Newer' })).toHaveCount(0);

  // A filter narrows the count to an exact one, and the download to it.
  await page.getByLabel('Scope').selectOption('APP_SERVICES_SYNC_DATA');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('pager-count')).toHaveText(/^Showing \d+ of \d+$/);
  const shown = Number((await page.getByTestId('pager-count').textContent())!.match(/of (\d+)/)![1]);
  // The file is the rows under their header, then the trailer of their
  // seals (for supportaccess verify --export) and the end, which counts
  // the rows; each row names its seal's batch, or is not sealed yet.
  await expect(page.getByTestId('export-note')).toHaveText('Download with seals');
  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const file = await (await download).path();
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(file!, 'utf8').trim().split('\n');
  expect(lines[0]).toMatch(/^id,created,orgId,groupId,clusterName,scope,allowed,.*,sealBatch$/);
  const trailer = lines.findIndex((l) => l.startsWith('#seals,'));
  expect(trailer - 1).toBe(shown);
  const rows = lines.slice(1, trailer);
  expect(rows.every((l) => l.includes(',APP_SERVICES_SYNC_DATA,') && /,(\d+|unsealed)$/.test(l))).toBe(true);
  expect(lines.at(-1)).toMatch(new RegExp(`^#end,${shown},\\d+$`));

  const log = page.url();
  server.grant('orders-prod', '2h');
  for (const [size, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
    await page.setViewportSize(viewport);
    await page.goto(log.replace(/\?.*/, ''));
    await page.getByRole('link', { name: 'Older' }).click();
    await page.screenshot({ path: path.join(testInfo.project.outputDir, 'screens', `${size}-access-log-paged.png`), fullPage: true });
    await page.goto(log.replace(/support-access-log.*/, 'activity'));
    await expect(page.getByTestId('export-links')).toBeVisible();
    await page.screenshot({ path: path.join(testInfo.project.outputDir, 'screens', `${size}-activity-export.png`), fullPage: true });
  }
});
