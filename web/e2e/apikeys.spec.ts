import { test, expect } from './fixtures';
import crypto from 'node:crypto';

// Answers one HTTP Digest (MD5, qop=auth) challenge the way curl --digest does.
async function digestGet(url: string, user: string, pass: string): Promise<Response> {
  const first = await fetch(url);
  const h = first.headers.get('www-authenticate') ?? '';
  const param = (k: string) => (h.match(new RegExp(`${k}="([^"]*)"`)) ?? [])[1];
  const realm = param('realm'), nonce = param('nonce');
  const uri = new URL(url).pathname + new URL(url).search;
  const md5 = (s: string) => crypto.createHash('md5').update(s).digest('hex');
  const cnonce = crypto.randomBytes(8).toString('hex'), nc = '00000001';
  const response = md5(`${md5(`${user}:${realm}:${pass}`)}:${nonce}:${nc}:${cnonce}:auth:${md5(`GET:${uri}`)}`);
  return fetch(url, { headers: { Authorization: `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"` } });
}

test('an owner creates an API key, sees its private key once, uses it, and deletes it', async ({ page, server, login }) => {
  await login(page);
  await page.getByRole('link', { name: 'API Keys' }).click();
  const form = page.locator('form').filter({ hasText: 'Create API Key' });
  await form.getByLabel('Description', { exact: true }).fill('nightly export');
  await form.locator('select[name=role]').selectOption('ORG_READ_ONLY');
  await form.getByRole('button', { name: 'Create API Key' }).click();
  const secret = page.getByTestId('new-secret');
  await expect(secret).toBeVisible();
  const publicKey = (await page.getByTestId('new-id').textContent())!.trim();
  const privateKey = (await page.getByTestId('new-secret-value').textContent())!.trim();
  expect(privateKey.length).toBeGreaterThan(20);

  // The key works against the Admin API with HTTP Digest.
  const res = await digestGet(`${server.url}/api/atlas/v2/orgs`, publicKey, privateKey);
  expect(res.status).toBe(200);
  expect((await res.json()).results[0].name).toBe('Acme Corp');

  // Shown once: opening the page again no longer shows the private key.
  await page.getByRole('link', { name: 'API Keys' }).click();
  await expect(page.getByTestId('new-secret')).toHaveCount(0);
  await expect(page.getByText(privateKey)).toHaveCount(0);
  const row = page.getByTestId('credential-row').filter({ hasText: publicKey });
  await expect(row).toContainText('nightly export');

  await row.getByRole('button', { name: `Delete ${publicKey}` }).click();
  await expect(page.getByTestId('credential-row').filter({ hasText: publicKey })).toHaveCount(0);
  expect((await digestGet(`${server.url}/api/atlas/v2/orgs`, publicKey, privateKey)).status).toBe(401);

  // Both changes are in the activity feed.
  await page.getByRole('link', { name: 'Activity Feed' }).click();
  await expect(page.locator('[data-testid=event-row][data-event-type=API_KEY_CREATED]')).toContainText(publicKey);
  await expect(page.locator('[data-testid=event-row][data-event-type=API_KEY_DELETED]')).toContainText(publicKey);
});

test('a create form sent again (reload, retried request) makes no second credential', async ({ page, login }) => {
  await login(page);
  await page.getByRole('link', { name: 'API Keys' }).click();
  const keyRows = page.getByTestId('key-table').getByTestId('credential-row');
  const before = await keyRows.count();
  const form = page.getByTestId('key-form');
  const requestKey = await form.locator('input[name=requestKey]').inputValue();
  const csrf = await form.locator('input[name=_csrf]').inputValue();
  expect(requestKey).toMatch(/^[0-9a-f]{32}$/);
  await form.getByLabel('Description', { exact: true }).fill('release bot');
  await form.locator('select[name=role]').selectOption('ORG_OWNER');
  await form.getByRole('button', { name: 'Create API Key' }).click();
  await expect(page.getByTestId('new-secret')).toBeVisible();
  const publicKey = (await page.getByTestId('new-id').textContent())!.trim();
  const privateKey = (await page.getByTestId('new-secret-value').textContent())!.trim();

  // Reloading the answer to the POST sends the form again.
  const reloaded = await page.reload();
  expect(reloaded!.request().method()).toBe('POST');
  expect(reloaded!.status()).toBe(409);
  await expect(page.getByTestId('new-secret')).toHaveCount(0);
  await expect(page.getByText(privateKey)).toHaveCount(0);
  const message = page.getByTestId('key-error');
  await expect(message).toContainText(`already created API key ${publicKey}`);
  await expect(message).toContainText('shown only once');
  await expect(keyRows).toHaveCount(before + 1);
  await expect(keyRows.filter({ hasText: 'release bot' })).toHaveCount(1);

  // The same form sent once more from the page (a double click, a retried
  // request) gets the same answer.
  const retried = await page.evaluate(async (fields) => {
    const res = await fetch(location.pathname, { method: 'POST', body: new URLSearchParams(fields) });
    return { status: res.status, body: await res.text() };
  }, { _csrf: csrf, requestKey, description: 'release bot', role: 'ORG_OWNER', project: '' });
  expect(retried.status).toBe(409);
  expect(retried.body).toContain(`already created API key ${publicKey}`);
  expect(retried.body).not.toContain(privateKey);

  // The list, opened afresh, still holds exactly the one new key.
  await page.getByRole('link', { name: 'API Keys' }).click();
  await expect(keyRows).toHaveCount(before + 1);
  await expect(keyRows.filter({ hasText: publicKey })).toHaveCount(1);

  // The page's form is a new one: it creates a second key when asked to.
  await page.getByTestId('key-form').getByLabel('Description', { exact: true }).fill('second bot');
  await page.getByTestId('key-form').getByRole('button', { name: 'Create API Key' }).click();
  await expect(page.getByTestId('new-secret')).toBeVisible();
  await expect(keyRows).toHaveCount(before + 2);
});
