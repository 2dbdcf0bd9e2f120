import { test, expect, BrowserContext, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';

const PASSWORD = 'green-commute-2026';

// A mobile number no other test uses (tests run in parallel on one server).
let counter = 0;
function uniquePhone(): string {
  counter += 1;
  const n = (Date.now() % 10_000_000) * 10 + (counter % 10) + process.pid;
  return `139${String(n % 100_000_000).padStart(8, '0')}`;
}

async function register(page: Page, phone: string) {
  await page.goto('/register');
  await page.getByLabel('手机号或邮箱').fill(phone);
  await page.getByLabel('昵称').fill('东昌湖骑手');
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByLabel('我已阅读并同意隐私政策').check();
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('东昌湖骑手');
}

async function login(page: Page, phone: string, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('手机号或邮箱').fill(phone);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

async function bind(page: Page, type: string, value: string) {
  await page.getByLabel('类型').selectOption({ label: type });
  await page.getByLabel('卡号或车牌号').fill(value);
  await page.getByRole('button', { name: '绑定', exact: true }).click();
}

function bindingList(page: Page) {
  return page.getByRole('list', { name: '绑定的卡和车牌' });
}

async function fullFlow(page: Page) {
  const phone = uniquePhone();
  await register(page, phone);

  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: '登录' })).toBeVisible();

  await login(page, phone);
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByText(phone)).toBeVisible();

  // Cards and plates are unique city-wide: derive them from the phone.
  const digits = phone.slice(3); // 8 digits
  const card = `3100 ${digits.slice(0, 4)} ${digits.slice(4)}`;
  const plateSerial = digits.slice(3); // 5 digits
  await expect(page.getByText('还没有绑定任何卡或车牌。')).toBeVisible();
  await bind(page, '公交卡', card);
  await expect(bindingList(page).getByRole('listitem')).toHaveCount(1);
  await bind(page, '车牌', `鲁p ${plateSerial}`);
  const items = bindingList(page).getByRole('listitem');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toContainText(`•••• ${digits.slice(4)}`);
  await expect(items.nth(1)).toContainText(`鲁P·***${plateSerial.slice(3)}`);
  await expect(page.getByText(card)).toHaveCount(0);

  await page.getByRole('button', { name: `解除绑定 •••• ${digits.slice(4)}` }).click();
  await expect(items).toHaveCount(1);
  await expect(items.nth(0)).toContainText(`鲁P·***${plateSerial.slice(3)}`);
}

test('register, sign out, sign in, bind a card and a plate, remove one', async ({ page }) => {
  await fullFlow(page);
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `/me: ${v.id}: ${v.help}`)).toEqual([]);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

  test('the same flow works on a 360-pixel screen', async ({ page }) => {
    await fullFlow(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

test('a wrong password shows an error and stays on the form', async ({ page }) => {
  const phone = uniquePhone();
  await register(page, phone);
  await page.getByRole('button', { name: '退出登录' }).click();
  await login(page, phone, 'not-my-password');
  await expect(page.getByRole('alert')).toHaveText('手机号/邮箱或密码不正确。');
  await expect(page).toHaveURL(/\/login$/);
});

test('a reload keeps you signed in', async ({ page }) => {
  await register(page, uniquePhone());
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('东昌湖骑手');
  await expect(page.getByRole('link', { name: '我的账户' })).toBeVisible();
});

// The readable cookie that says a session exists (tanpu_core::web).
const HINT = 'tanpu_session';

async function hint(context: BrowserContext): Promise<string | undefined> {
  return (await context.cookies()).find((c) => c.name === HINT)?.value;
}

test("a visitor's page does not wait for the server to refuse a session", async ({ page }) => {
  // The refresh never answers: without the hint the landing page shows
  // anyway, and the account page sends the visitor to sign in.
  await page.route('**/api/v1/auth/refresh', () => {});
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('绿色出行，积累你的碳积分');
  await page.goto('/me');
  await expect(page).toHaveURL(/\/login$/);
});

test('the session hint comes with a session and goes with it', async ({ page, context }) => {
  expect(await hint(context)).toBeUndefined();
  await register(page, uniquePhone());
  expect(await hint(context)).toBe('1');
  // Exactly the two the privacy notice names.
  expect((await context.cookies()).map((c) => c.name).sort()).toEqual(['tanpu_refresh', HINT]);

  // With the hint, a reload waits for the session rather than showing the
  // signed-out page.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/v1/auth/refresh', async (route) => {
    await held;
    await route.continue();
  });
  await page.reload();
  await expect(page.getByRole('status').filter({ hasText: '正在加载' })).toBeVisible();
  await expect(page).toHaveURL(/\/me$/);
  release();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('东昌湖骑手');
  await page.unroute('**/api/v1/auth/refresh');

  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page.getByRole('navigation').getByRole('link', { name: '登录' })).toBeVisible();
  expect(await hint(context)).toBeUndefined();
});

test('a session without the hint (begun before it existed) is still restored', async ({ page, context }) => {
  await register(page, uniquePhone());
  await context.clearCookies({ name: HINT });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^你好，\s*东昌湖骑手$/);
  expect(await hint(context)).toBe('1');
});

test('mistakes are explained next to the field', async ({ page }) => {
  await page.goto('/register');
  await page.getByLabel('手机号或邮箱').fill('12345');
  await page.getByLabel('密码', { exact: true }).fill('password');
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page.locator('#field-login-error')).toHaveText('请输入 11 位手机号或邮箱地址。');
  await expect(page.locator('#field-password-error')).toHaveText('这个密码太常见，请换一个。');
  await expect(page.locator('#field-consent-error')).toHaveText('注册前请阅读并同意隐私政策。');
  await expect(page.getByLabel('手机号或邮箱')).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/register$/);
});

test('a taken login is reported by the server next to the field', async ({ page }) => {
  const phone = uniquePhone();
  await register(page, phone);
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.goto('/register');
  await page.getByLabel('手机号或邮箱').fill(phone);
  await page.getByLabel('昵称').fill('另一个人');
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByLabel('我已阅读并同意隐私政策').check();
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page.locator('#field-login-error')).toHaveText('这个手机号或邮箱已经注册过了。');
});

test('the account page sends a signed-out visitor to sign in', async ({ page }) => {
  await page.goto('/me');
  await expect(page).toHaveURL(/\/login$/);
});

test('a citizen changes nickname and password from the account page', async ({ page }) => {
  const phone = uniquePhone();
  await register(page, phone);
  await page.getByRole('textbox', { name: '昵称' }).fill('骑车去上班');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status')).toHaveText('已保存。');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('骑车去上班');

  await page.getByLabel('当前密码').fill(PASSWORD);
  await page.getByLabel('新密码').fill('bike-to-work-2027');
  await page.getByRole('button', { name: '修改密码' }).click();
  await expect(page.getByText('密码已修改，其他设备上的登录已失效。')).toBeVisible();

  await page.reload(); // the renewed session survives a reload
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('骑车去上班');
  await page.getByRole('button', { name: '退出登录' }).click();
  await login(page, phone, 'bike-to-work-2027');
  await expect(page).toHaveURL(/\/me$/);
});

test('a citizen exports their data and deletes a throwaway account', async ({ page }) => {
  const phone = uniquePhone();
  await register(page, phone);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出我的数据（JSON）' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('tanpu-export.json');
  // The file holds the citizen's data as the API exports it.
  const exported = JSON.parse(readFileSync((await file.path())!, 'utf8'));
  expect(exported.account.login).toBe(phone);
  expect(exported.account.nickname).toBe('东昌湖骑手');
  expect(typeof exported.balance).toBe('number');
  expect(Array.isArray(exported.ledger)).toBe(true);
  await expect(page.getByText('数据已导出。')).toBeVisible();

  await page.getByLabel('输入密码确认注销').fill(PASSWORD);
  await page.getByRole('button', { name: '永久注销' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: '登录' })).toBeVisible();

  await login(page, phone);
  await expect(page.getByRole('alert')).toHaveText('手机号/邮箱或密码不正确。');
});
