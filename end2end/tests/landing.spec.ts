import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

type PublicStats = { citizens: number; co2e_g: number; points_issued: number };

// The same rules as tanpu-core's GramsCo2e::to_display_string: the test's
// own oracle, so a change on either side shows up here.
function co2eText(grams: number): string {
  if (Math.abs(grams) < 1000) return `${grams} g`;
  const [tenths, unit] =
    Math.abs(grams) < 1_000_000 ? [Math.trunc(grams / 100), 'kg'] : [Math.trunc(grams / 100_000), 't'];
  const whole = Math.trunc(tenths / 10);
  const frac = Math.abs(tenths % 10);
  return frac === 0 ? `${whole} ${unit}` : `${whole}.${frac} ${unit}`;
}

function stat(page: Page, label: string | RegExp) {
  return page.getByRole('list', { name: /全市累计|City totals/ }).getByRole('listitem').filter({ hasText: label });
}

test('the landing page shows the city totals from the API', async ({ page }) => {
  // Other tests register citizens meanwhile: compare with exactly the answer
  // this page load received.
  const answer = page.waitForResponse('**/api/v1/public/stats');
  await page.goto('/');
  const api = await answer;
  expect(api.ok()).toBeTruthy();
  const stats = (await api.json()) as PublicStats;
  expect(stats.citizens).toBeGreaterThanOrEqual(5); // the demo seeded five

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('绿色出行，积累你的碳积分');
  await expect(stat(page, '注册市民')).toContainText(stats.citizens.toLocaleString('en-US'));
  await expect(stat(page, '累计减排')).toContainText(co2eText(stats.co2e_g));
  await expect(stat(page, '已发放碳积分')).toContainText(stats.points_issued.toLocaleString('en-US'));
});

test('the language switch changes the page and survives a reload', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Travel green, earn carbon credits');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(stat(page, 'Registered citizens')).toBeVisible();

  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Travel green, earn carbon credits');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('绿色出行，积累你的碳积分');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
});

test('a client route loaded directly renders', async ({ page }) => {
  const res = await page.goto('/how-it-works');
  expect(res?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('如何获得碳积分');
  // The rules come from the server: the metro rule with its factors (the
  // bus rule is the one the admin test edits).
  const metro = page.getByRole('region', { name: '地铁出行' });
  await expect(metro).toContainText('(272 − 46.7) g / 公里');
  await expect(page.getByRole('link', { name: '如何获得积分' })).toHaveAttribute('aria-current', 'page');

  await page.getByRole('link', { name: '首页' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(stat(page, '注册市民')).toBeVisible();
});

test("a page's code is downloaded when the page is first opened, not before", async ({ page }) => {
  // The citizen app is split (scripts/split-wasm.sh): the main module, then
  // the code of each group of pages (app/src/lazy_pages.rs) in one pack,
  // fetched by the router when one of the group's pages is first visited.
  const wasm: string[] = [];
  page.on('request', (req) => {
    const path = new URL(req.url()).pathname;
    if (/\.(wasm|pack)$/.test(path)) wasm.push(path);
  });
  await page.goto('/how-it-works');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('如何获得碳积分');
  await page.waitForLoadState('networkidle');
  const opening = [...wasm];
  // The main module and the page's group, from one hashed folder.
  expect(opening).toHaveLength(2);
  expect(opening[1]).toMatch(/\/split_visitor_[^/]*\.pack$/);
  expect(new Set(opening.map((p) => p.split('/').slice(0, -1).join('/'))).size).toBe(1);

  // The privacy notice is in the same group of pages (app/src/lazy_pages.rs):
  // nothing more to fetch.
  await page.getByRole('link', { name: '隐私政策' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('隐私政策');
  await expect(page.getByRole('listitem').filter({ hasText: '两个登录 Cookie' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(wasm.length).toBe(opening.length);

  // Sign-in is in another group: its code comes now.
  await page.getByRole('navigation').getByRole('link', { name: '登录' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
  const later = wasm.slice(opening.length);
  expect(later).toHaveLength(1);
  expect(later[0]).toMatch(/\/split_account_[^/]*\.pack$/);

  // Back to a page already loaded: nothing more is fetched.
  const before = wasm.length;
  await page.getByRole('link', { name: '如何获得积分' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('如何获得碳积分');
  await page.waitForLoadState('networkidle');
  expect(wasm.length).toBe(before);
});

test("a page whose code cannot be fetched says so and offers a reload", async ({ page }) => {
  await page.goto('/how-it-works');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('如何获得碳积分');
  // The connection drops as the sign-in page's code is fetched.
  const dropped = /\/split_account_[^/]*\.pack$/;
  await page.route(dropped, (route) => route.abort('internetdisconnected'));
  await page.getByRole('navigation').getByRole('link', { name: '登录' }).click();
  const notice = page.getByRole('alert').filter({ hasText: '请重新加载' });
  await expect(notice).toContainText('Please reload the page.');

  // Back online, the link loads the app again.
  await page.unroute(dropped);
  await notice.getByRole('link', { name: '重新加载 · Reload' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await page.getByRole('navigation').getByRole('link', { name: '登录' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
});

test('an unknown client route says so and links home', async ({ page }) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在');
  await page.getByRole('link', { name: '返回首页' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('绿色出行，积累你的碳积分');
});

for (const path of ['/', '/how-it-works', '/register', '/login', '/privacy', '/no/such/page']) {
  test(`${path} has no accessibility violations`, async ({ page }) => {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    if (path === '/') await expect(stat(page, '注册市民')).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${path}: ${v.id}: ${v.help}`)).toEqual([]);
  });
}

test('the totals fit a 360-pixel phone screen', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/');
  await expect(stat(page, '注册市民')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
