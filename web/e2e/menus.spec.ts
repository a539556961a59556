import {
  test, expect, row, setBlock, backToClusters, orgMenu, projectsMenu, sidebarLink,
  REVOKE_ITEM, GRANT_ITEM,
} from './fixtures';

// The menus follow the WAI-ARIA menu button pattern: a button that says it
// opens a menu and whether it is open, arrow keys, Home, End, Escape and
// focus back on the button; and they still open without JavaScript.

test('a menu button opens its menu from the keyboard and gives focus back', async ({ page, login }) => {
  await login(page);
  const button = projectsMenu(page);
  await expect(button).toHaveAttribute('aria-haspopup', 'menu');
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  const menu = page.getByRole('menu', { name: 'Projects menu', exact: true });
  await expect(page.locator(`#${await button.getAttribute('aria-controls')}`)).toHaveAttribute('role', 'menu');
  await expect(menu).toBeHidden();
  const production = menu.getByRole('menuitem', { name: /^Production/ });
  const staging = menu.getByRole('menuitem', { name: /^Staging/ });

  // Enter opens it on the first item; the arrows wrap around; Home and End.
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await expect(production).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(staging).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(production).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(staging).toBeFocused();
  await page.keyboard.press('Home');
  await expect(production).toBeFocused();
  await page.keyboard.press('End');
  await expect(staging).toBeFocused();
  // Escape closes it and puts focus back on its button.
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await expect(button).toBeFocused();

  // Arrow Up opens it on the last item, Space on the first; Tab leaves and closes it.
  await page.keyboard.press('ArrowUp');
  await expect(staging).toBeFocused();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Space');
  await expect(production).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(menu).toBeHidden();
  await expect(button).toHaveAttribute('aria-expanded', 'false');

  // A letter moves to the item it starts; Enter chooses it.
  await button.focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('s');
  await expect(staging).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Clusters' })).toBeVisible();
  await expect(projectsMenu(page)).toHaveAccessibleName(/^Projects Staging/);

  // A click outside closes an open menu; one menu is open at a time.
  await orgMenu(page).click();
  await expect(page.getByRole('menu', { name: 'Organizations menu' })).toBeVisible();
  await projectsMenu(page).click();
  await expect(page.getByRole('menu', { name: 'Organizations menu' })).toBeHidden();
  await expect(page.getByRole('menu', { name: 'Projects menu' })).toBeVisible();
  await page.getByRole('heading', { name: 'Clusters' }).click();
  await expect(page.getByRole('menu')).toHaveCount(0);
});

test('the ellipsis menu goes Revoke, Revoke Access from the keyboard, and focus comes back to it', async ({ page, server, login }) => {
  await login(page);
  await setBlock(page, true);
  server.grant('orders-prod', '2h');
  await backToClusters(page);
  const button = row(page, 'orders-prod').getByRole('button', { name: 'Actions for orders-prod', exact: true });
  await button.focus();
  await page.keyboard.press('ArrowDown');
  // The expiry note comes first: focusable, but nothing to choose.
  await expect(row(page, 'orders-prod').getByTestId('expiry-item')).toBeFocused();
  await expect(row(page, 'orders-prod').getByTestId('expiry-item')).toHaveAttribute('aria-disabled', 'true');
  // Then extending the grant, then revoking it.
  await page.keyboard.press('ArrowDown');
  await expect(row(page, 'orders-prod').getByTestId('extend-item')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(row(page, 'orders-prod').getByRole('menuitem', { name: REVOKE_ITEM })).toBeFocused();
  await page.keyboard.press('Enter');
  const confirm = page.getByRole('dialog', { name: REVOKE_ITEM });
  await expect(confirm).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(confirm).toBeHidden();
  await expect(button).toBeFocused();
  await expect(row(page, 'orders-prod').getByTestId('countdown')).toBeVisible();
});

test('an open menu is not re-synced under the hand; a closed one is', async ({ page, server, login }) => {
  await login(page);
  await setBlock(page, true);
  await backToClusters(page);
  // The server polls every 2 s (fixtures.ts). Mark the open menu's list: a
  // re-sync would replace it with an unmarked one.
  const button = row(page, 'analytics').getByRole('button', { name: 'Actions for analytics', exact: true });
  await button.click();
  const menu = page.getByRole('menu', { name: 'Actions for analytics' });
  await expect(menu.getByRole('menuitem', { name: GRANT_ITEM })).toBeVisible();
  await menu.evaluate((m) => m.setAttribute('data-mark', '1'));
  let swaps = 0;
  page.on('response', (r) => { if (r.url().endsWith('/clusters') && r.request().headers()['hx-request']) swaps++; });
  await page.waitForTimeout(4_500);
  expect(swaps, 'no re-sync while the menu is open').toBe(0);
  await expect(menu).toHaveAttribute('data-mark', '1');
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Escape');
  await expect.poll(() => swaps, { timeout: 10_000 }).toBeGreaterThan(0);
  await expect(page.locator('[data-mark]')).toHaveCount(0);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the navigation bar\'s menus open as disclosures and their links work', async ({ page, login }) => {
    await login(page);
    await page.getByTestId('project-menu').locator('summary').click();
    await page.getByRole('menuitem', { name: /^Staging/ }).click();
    await expect(page.getByText('Acme Corp / Staging')).toBeVisible();
  });

  test.describe('on a phone', () => {
    test.use({ viewport: { width: 390, height: 844 } });

    test('the Menu opens as a disclosure and leads to each section', async ({ page, login }) => {
      await login(page);
      await page.getByTestId('sidebar-menu').locator('summary').click();
      await page.getByRole('menuitem', { name: 'Activity Feed', exact: true }).click();
      await expect(page.getByRole('heading', { name: 'Activity Feed' })).toBeVisible();
    });
  });
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the Menu is a menu button with the sidebar\'s sections', async ({ page, login }) => {
    await login(page);
    await expect(page.getByRole('navigation', { name: 'Sidebar', exact: true })).toBeHidden();
    const button = page.getByRole('button', { name: 'Menu', exact: true });
    await button.focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu', { name: 'Sidebar', exact: true });
    await expect(menu.getByRole('menuitem', { name: 'Clusters' })).toBeFocused();
    await expect(menu.getByRole('menuitem', { name: 'Clusters' })).toHaveAttribute('aria-current', 'page');
    await expect(menu.getByRole('group', { name: 'Organization · Acme Corp' }).getByRole('menuitem'))
      .toHaveText(['Activity Feed', 'Access Requests', 'Support Access Log', 'Settings', 'Members', 'API Keys']);
    await page.keyboard.press('Escape');
    await expect(button).toBeFocused();
    await sidebarLink(page, 'Support Access Log');
    await expect(page.getByRole('heading', { name: 'Support Access Log' })).toBeVisible();
  });

  test('what a thumb presses on the revoke path is at least 44 px', async ({ page, server, login }) => {
    await login(page);
    await setBlock(page, true);
    server.grant('analytics', '2h');
    await backToClusters(page);
    const sizes: Record<string, { width: number; height: number }> = {};
    const button = row(page, 'analytics').getByRole('button', { name: 'Actions for analytics', exact: true });
    sizes['ellipsis'] = (await button.boundingBox())!;
    await button.tap();
    const revoke = row(page, 'analytics').getByRole('menuitem', { name: REVOKE_ITEM });
    sizes['Revoke'] = (await revoke.boundingBox())!;
    await revoke.tap();
    const confirm = page.getByRole('dialog', { name: REVOKE_ITEM });
    const revokeAccess = confirm.getByRole('button', { name: 'Revoke Access' });
    sizes['Revoke Access'] = (await revokeAccess.boundingBox())!;
    // The dialog fits the screen, its buttons within reach at the bottom.
    const box = (await confirm.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    for (const [name, s] of Object.entries(sizes)) {
      expect(s.height, `${name} height`).toBeGreaterThanOrEqual(44);
      expect(s.width, `${name} width`).toBeGreaterThanOrEqual(44);
    }
    await revokeAccess.tap();
    await expect(confirm).toBeHidden();
    await expect(row(page, 'analytics').getByTestId('access-status')).toContainText('No access');
  });
});

test('a re-sync that answers while a menu is open leaves the menu open', async ({ page, login }) => {
  await login(page);
  // Hold the next re-sync of the table until the menu is open.
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  let asked!: () => void;
  const sent = new Promise<void>((r) => { asked = r; });
  await page.route(/\/groups\/[0-9a-f]+\/clusters$/, async (route) => {
    if (route.request().headers()['hx-request'] !== 'true') { return route.continue(); }
    asked();
    await held;
    await route.continue();
  });
  await sent;
  const trigger = row(page, 'orders-prod').getByRole('button', { name: 'Actions for orders-prod', exact: true });
  await trigger.click();
  await expect(trigger).toHaveAttribute('aria-expanded', 'true');
  const id = await trigger.getAttribute('id');
  await page.evaluate(() => {
    (window as unknown as { resynced: Promise<void> }).resynced = new Promise((r) => {
      document.addEventListener('htmx:afterRequest', () => r(), { once: true });
    });
  });
  release();
  await page.evaluate(() => (window as unknown as { resynced: Promise<void> }).resynced);
  // The same button, still open, with its menu on screen.
  await expect(trigger).toHaveAttribute('id', id!);
  await expect(trigger).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator(`#${await trigger.getAttribute('aria-controls')}`)).toBeVisible();
});
