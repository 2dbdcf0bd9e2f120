import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

test('an admin edits the heating-season multiplier, previews, simulates, publishes, and the public page shows it', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('手机号或邮箱').fill('admin@tanpu.demo');
  await page.getByLabel('密码').fill('tanpu-demo-2026');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/me$/);

  await page.getByRole('link', { name: '积分规则' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('积分规则管理');
  const listScan = await new AxeBuilder({ page }).analyze();
  expect(listScan.violations.map((v) => `/admin/rules: ${v.id}: ${v.help}`)).toEqual([]);
  await page.getByRole('link', { name: '编辑 公交出行' }).click();
  await page.getByRole('button', { name: '从现行版本新建草稿' }).click();

  const multiplier = page.getByLabel(/加成百分比.*供暖季/);
  await expect(multiplier).toHaveValue('200');
  await multiplier.fill('300');
  await expect(page.getByText('设置有效。')).toBeVisible();
  const editorScan = await new AxeBuilder({ page }).analyze();
  expect(editorScan.violations.map((v) => `editor: ${v.id}: ${v.help}`)).toEqual([]);

  // The calculator runs the draft in the browser: 7.4 km in the heating season.
  await page.getByLabel('数量').fill('7.4');
  await page.getByLabel('开始时间').fill('2026-12-01T08:00');
  await expect(page.locator('.calc-result')).toHaveText('已计入: 5439 · 1813 g CO₂e');

  // Impossible settings are caught before anything is sent.
  await page.getByLabel('本类每日上限（分）').fill('-5');
  await expect(page.getByRole('button', { name: '立即发布' })).toBeDisabled();
  await page.getByLabel('本类每日上限（分）').fill('10000');
  await expect(page.getByRole('button', { name: '立即发布' })).toBeEnabled();

  await page.getByRole('button', { name: '模拟最近 30 天' }).click();
  const simulation = page.getByRole('region', { name: '模拟结果' });
  await expect(simulation.getByRole('table')).toBeVisible();
  await expect(simulation).toContainText('记录数');

  await page.getByRole('button', { name: '立即发布' }).click();
  await expect(page.getByText('已发布。')).toBeVisible();

  await page.goto('/how-it-works');
  await expect(page.getByRole('region', { name: '公交出行' })).toContainText('×300%');
});
