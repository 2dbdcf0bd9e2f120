import { test, expect } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { cityTime, createPartner, sendSigned, signIn } from './support';

test('a bus ride reported by a partner shows up, explained, for the citizen', async ({ page, request }) => {
  const partner = await createPartner(request);
  const externalId = `E2E-BUS-${randomUUID()}`;
  const res = await sendSigned(request, partner, '/api/v1/partner/actions', {
    external_id: externalId,
    kind: 'bus_ride',
    // Demo citizen 13800000001 has this card bound (tanpu demo seed).
    subject: { type: 'transit_card', value: '3100 0000 0000 0001' },
    started_at: cityTime(1),
    ended_at: cityTime(0.6),
    quantity: 7.4,
    unit: 'km',
    // Partners send any JSON as details; the page shows strings as they
    // are, and anything else as its JSON text.
    attributes: { route: 'K5', from_stop: '东昌湖', to_stop: '火车站', stops: 6, fare_yuan: 1.5, low_floor: true },
  });
  expect(res.status()).toBe(200);
  const result = await res.json();
  expect(result.status).toBe('accepted');
  expect(result.co2e_g).toBe(1813);

  await page.goto('/login');
  await page.getByLabel('手机号或邮箱').fill('13800000001');
  await page.getByLabel('密码').fill('tanpu-demo-2026');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/me$/);

  // The dashboard shows what the API says, balance included.
  const summaryAnswer = page.waitForResponse('**/api/v1/me/summary');
  await page.getByRole('link', { name: '首页' }).click();
  const summary = await (await summaryAnswer).json();
  expect(summary.balance).toBeGreaterThanOrEqual(result.points);
  const stats = page.getByRole('list', { name: '首页' });
  await expect(stats.getByRole('listitem').filter({ hasText: '可用积分' })).toContainText(
    summary.balance.toLocaleString('en-US'),
  );
  await expect(page.getByRole('img', { name: '最近 12 周的减排（克）' })).toBeVisible();

  await page.getByRole('link', { name: '我的行动' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我的绿色行动');
  await page.getByLabel('类型').selectOption({ label: '公交出行' });
  const row = page.getByRole('link', { name: /公交出行.*7\.4 公里/ }).first();
  await expect(row).toBeVisible();
  await row.click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('行动详情');
  const facts = page.locator('dl.facts');
  for (const [name, value] of [['route', 'K5'], ['to_stop', '火车站'], ['stops', '6'], ['fare_yuan', '1.5'], ['low_floor', 'true']]) {
    await expect(facts.locator(`dt:text-is("${name}") + dd`)).toHaveText(value);
  }
  const calc = page.getByRole('table');
  await expect(calc.getByRole('row', { name: /减排量/ })).toContainText('1813 克');
  await expect(calc.getByRole('row', { name: /计入积分/ })).toContainText(String(result.points));

  for (const path of [page.url(), '/actions', '/']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('status')).toHaveCount(0); // loaded
    const scan = await new AxeBuilder({ page }).analyze();
    expect(scan.violations.map((v) => `${path}: ${v.id}: ${v.help}`)).toEqual([]);
  }
});

test('a partner cannot post unsigned or badly signed records', async ({ request }) => {
  const partner = await createPartner(request);
  const unsigned = await request.post('/api/v1/partner/actions', { data: { external_id: 'x' } });
  expect(unsigned.status()).toBe(401);
  const forged = await sendSigned(request, { ...partner, secret: 'whsec_' + Buffer.alloc(32).toString('base64') },
    '/api/v1/partner/actions', { external_id: 'x' });
  expect(forged.status()).toBe(401);
});

/// The request for a page of actions after the first.
const nextPage = (url: URL) => url.pathname === '/api/v1/me/actions' && url.searchParams.has('before_id');

test('a page of actions that fails to load says so, and loads on a retry', async ({ page }) => {
  // Demo citizen 13800000001 has a month of rides (tanpu demo seed): more
  // than the first page of twenty.
  await signIn(page, '13800000001');
  await page.getByRole('link', { name: '我的行动' }).click();
  const list = page.getByRole('list', { name: '我的绿色行动' });
  await expect(list.getByRole('listitem')).toHaveCount(20);

  await page.route(nextPage, (route) => route.abort());
  await page.getByRole('button', { name: '加载更多' }).click();
  const failure = page.getByRole('alert');
  await expect(failure).toContainText('网络');
  await expect(list.getByRole('listitem')).toHaveCount(20);

  await page.unroute(nextPage);
  const answer = page.waitForResponse((res) => nextPage(new URL(res.url())));
  await failure.getByRole('button', { name: '重试' }).click();
  const second = await (await answer).json();
  await expect(failure).toHaveCount(0);
  await expect(list.getByRole('listitem')).toHaveCount(20 + second.items.length);
  expect(second.items.length).toBeGreaterThan(0);
  // More to load exactly when the server says there is.
  await expect(page.getByRole('button', { name: '加载更多' })).toHaveCount(second.next_before_id ? 1 : 0);
});

test('a page of actions that arrives after the filters changed is not added to the new list', async ({ page }) => {
  await signIn(page, '13800000001');
  await page.getByRole('link', { name: '我的行动' }).click();
  const list = page.getByRole('list', { name: '我的绿色行动' });
  await expect(list.getByRole('listitem')).toHaveCount(20);

  // The unfiltered list's second page is held back until the filter changed.
  let release = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  await page.route(nextPage, async (route) => { await held; await route.continue(); });
  await page.getByRole('button', { name: '加载更多' }).click();

  const filtered = page.waitForResponse((res) => {
    const url = new URL(res.url());
    return url.pathname === '/api/v1/me/actions' && url.searchParams.get('status') === 'rejected';
  });
  await page.getByLabel('状态').selectOption({ label: '未计入' });
  const rejected = (await (await filtered).json()).items.length;
  await expect(page.getByRole('status')).toHaveCount(0); // loaded
  await expect(list.getByRole('listitem')).toHaveCount(rejected);

  const late = page.waitForResponse((res) => nextPage(new URL(res.url())));
  release();
  await late;
  // Let the page handle the answer before looking.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
  await expect(list.getByRole('listitem')).toHaveCount(rejected);
  for (const row of await list.getByRole('listitem').all()) {
    await expect(row).toContainText('未计入');
  }
});
