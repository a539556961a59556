import { defineConfig } from '@playwright/test';

// End-to-end specs run the real server binary, one fresh server with its
// own temporary database per test, in Debian's Chromium. Browsers are never
// downloaded: CHROMIUM_PATH (default /usr/bin/chromium) must exist.
export default defineConfig({
  testDir: './e2e',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  // Every spec on a wide screen; the source procedures once more on a
  // phone (a11y.spec.ts covers both sizes itself).
  projects: [
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
    { name: 'phone', testMatch: /procedures\.spec\.ts$/, use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
  ],
  use: {
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
