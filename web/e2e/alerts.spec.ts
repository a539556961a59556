import path from 'node:path';
import { test, expect, row, grantAccess, sidebarLink, setBlock, backToClusters } from './fixtures';

// Alerts for real: an owner adds an email alert on the Alerts page, grants
// access in the browser, and the email arrives in the Mailpit that
// .ci/with-mailpit runs, saying which cluster and until when; the alert's
// page lists the delivery as sent. The page and the email are photographed
// at both sizes under test-results/alerts/.

const mailpit = process.env.TEST_MAILPIT_URL ?? '';

type Message = { ID: string; Subject: string; Text: string; HTML: string; To: { Address: string }[] };

async function mailTo(address: string): Promise<Message> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${mailpit}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`);
    const list = (await res.json()) as { messages: { ID: string }[] };
    if (list.messages.length > 0) {
      expect(list.messages).toHaveLength(1);
      return (await (await fetch(`${mailpit}/api/v1/message/${list.messages[0].ID}`)).json()) as Message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no email to ${address} arrived in Mailpit`);
}

test('a grant in the browser is emailed with the cluster and the expiry, and the delivery is listed', async ({ page, login }, testInfo) => {
  expect(mailpit, 'TEST_MAILPIT_URL is not set: run the specs through .ci/with-mailpit (the e2e task does)').not.toBe('');
  const shots = (name: string) => path.join(testInfo.project.outputDir, 'alerts', name);
  const address = `oncall-${Date.now().toString(36)}-${testInfo.workerIndex}@acme.test`;
  await login(page);
  await expect(row(page, 'analytics')).toBeVisible();

  await sidebarLink(page, 'Alerts');
  await expect(page.getByRole('heading', { name: 'Alerts', exact: true })).toBeVisible();
  await expect(page.getByTestId('alert-row')).toHaveCount(7); // the defaults: granted, extended, replaced, revoked, expired, expiring, requested
  await expect(page.getByTestId('email-off')).toHaveCount(0);

  const form = page.getByTestId('alert-form');
  await form.getByLabel('When').selectOption('EMPLOYEE_ACCESS_GRANTED');
  await form.getByLabel("The project's owners, by email").uncheck();
  await form.getByLabel('Email addresses').fill(address);
  await form.getByRole('button', { name: 'Create alert' }).click();
  await expect(page.getByTestId('alert-row')).toHaveCount(8);
  await expect(page.getByTestId('alert-row').last()).toContainText(address);
  await page.reload(); // the page as it stands, without the toast of the change
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: shots('desktop-alerts.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: shots('phone-alerts.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // With the block on, support needs a grant: the owner grants one.
  await setBlock(page, true);
  await backToClusters(page);
  await grantAccess(page, 'analytics');
  await expect(row(page, 'analytics').getByTestId('countdown')).toBeVisible();
  const expires = Number(await row(page, 'analytics').getByTestId('countdown').getAttribute('data-expires'));

  const mail = await mailTo(address);
  expect(mail.Subject).toContain('analytics');
  const hhmm = new Date(expires).toISOString().slice(11, 16);
  for (const body of [mail.Text, mail.HTML]) {
    expect(body).toContain('analytics');
    expect(body).toContain(hhmm);
    expect(body).toMatch(/http:\/\/localhost:\d+\/groups\/[0-9a-f]{24}\/clusters/);
  }

  // The alert's page lists the delivery: to whom, sent, one attempt.
  await sidebarLink(page, 'Alerts');
  await page.getByTestId('alert-row').last().getByRole('link').first().click();
  const delivery = page.getByTestId('delivery-row');
  await expect(delivery).toHaveCount(1);
  await expect(delivery).toContainText(address);
  await expect(delivery.getByTestId('delivery-status')).toHaveText('Sent');
  await page.reload();
  await page.screenshot({ path: shots('desktop-alert-deliveries.png'), fullPage: true });

  // The email as a mail client shows it.
  for (const [name, size] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
    await page.setViewportSize(size);
    await page.goto(`${mailpit}/view/${mail.ID}.html`);
    await expect(page.getByText('Open the console')).toBeVisible();
    await page.screenshot({ path: shots(`${name}-email.png`), fullPage: true });
  }
});
