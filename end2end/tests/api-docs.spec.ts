import { test, expect } from '@playwright/test';

// The API's browsable page: served from the binary (no CDN), under its own
// Content-Security-Policy, showing the document generated from the code.
test('the API docs page works offline and shows the partner contract', async ({ page, baseURL }) => {
  const foreign: string[] = [];
  const problems: string[] = [];
  // Anything not from our own origin would be a CDN: refuse and record it.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(baseURL!) || url.startsWith('data:')) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));

  await page.goto('/api/v1/docs/');
  await expect(page.getByRole('heading', { name: /Tanpu API/ })).toBeVisible();
  // The guide's worked signature example is on the page.
  await expect(page.getByText('webhook-signature: v1,', { exact: false }).first()).toBeVisible();

  // An operation opens with its request schema.
  const batch = page.locator('.opblock').filter({ hasText: '/api/v1/partner/actions/batch' });
  await batch.locator('.opblock-summary').click();
  await batch.getByRole('tab', { name: 'Schema' }).first().click();
  await expect(batch.getByText('PartnerBatch').first()).toBeVisible();

  expect(foreign).toEqual([]);
  expect(problems.filter((p) => /Content Security Policy|Refused/i.test(p))).toEqual([]);
});
