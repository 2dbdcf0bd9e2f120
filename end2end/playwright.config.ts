import { defineConfig } from '@playwright/test';

// One Tanpu on a fresh SQLite file with the demo seeded, started by
// serve-fresh.sh, and Debian's Chromium driven headless. Never downloads a
// browser: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 and executablePath below.
const port = Number(process.env.TANPU_E2E_PORT ?? 18931);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  timeout: 60_000,
  // First loads of the wasm app can be slow on a busy 2-core machine.
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    locale: 'zh-CN',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `bash ./serve-fresh.sh ${port}`,
    url: `${baseURL}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
