import { test, expect, PASSWORD, OWNER } from './fixtures';

test('a wrong password gets one generic message that does not say which part was wrong', async ({ page, server }) => {
  for (const [email, password] of [[OWNER, 'not-the-password'], ['nobody@acme.test', PASSWORD]]) {
    await page.goto(server.url + '/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('form-error')).toHaveText('Incorrect email or password.');
  }
});

test('changing the password signs the user out everywhere', async ({ browser, server, login }) => {
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await login(a);
  await login(b);
  await a.getByTestId('current-user').click();
  await a.getByRole('link', { name: 'Change password' }).click();
  await a.getByLabel('Current password').fill(PASSWORD);
  await a.getByLabel('New password').fill('a-brand-new-password-7');
  await a.getByRole('button', { name: 'Change password' }).click();
  await expect(a.getByRole('heading', { name: 'Log in' })).toBeVisible();
  // The other browser's session has ended too: the next page it asks for
  // is the login page. Its own re-sync may be taking it there at that
  // moment, which aborts a navigation of ours, so ask until one lands.
  await expect(async () => {
    await b.goto(server.url + '/');
    await expect(b.getByRole('heading', { name: 'Log in' })).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 15000 });
  await login(b, OWNER, 'a-brand-new-password-7');
});

test('logging out ends the session', async ({ page, login, server }) => {
  await login(page);
  const cookies = await page.context().cookies();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  // A copy of the old cookie is refused.
  const ctx = await page.context().browser()!.newContext();
  await ctx.addCookies(cookies);
  const p2 = await ctx.newPage();
  await p2.goto(server.url + '/');
  await expect(p2.getByRole('heading', { name: 'Log in' })).toBeVisible();
});
