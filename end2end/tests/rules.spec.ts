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

  // The calculator runs the draft in the browser: 7.4 km in the heating
  // season. It evaluates the draft's terms whenever the draft takes effect,
  // so a fixed day serves whatever the clock says.
  await page.getByLabel('数量', { exact: true }).fill('7.4');
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

test('an admin edits the refuelling window and bounds, with field-level errors, and the public page shows the new window', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('手机号或邮箱').fill('admin@tanpu.demo');
  await page.getByLabel('密码').fill('tanpu-demo-2026');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/me$/);

  await page.goto('/admin/rules');
  await page.getByRole('link', { name: '编辑 夜间错峰加油' }).click();
  await page.getByRole('button', { name: '从现行版本新建草稿' }).click();

  // Every field of the version is on the form, labelled, and passes axe.
  await expect(page.getByLabel('名称（中文）')).not.toHaveValue('');
  await expect(page.getByLabel('积分计算方式')).toHaveValue('per_unit');
  const start = page.getByLabel('时段开始（时:分） 1');
  const end = page.getByLabel('时段结束（时:分） 1');
  await expect(start).toHaveValue('20:00');
  await expect(end).toHaveValue('06:00');
  const editorScan = await new AxeBuilder({ page }).analyze();
  expect(editorScan.violations.map((v) => `editor: ${v.id}: ${v.help}`)).toEqual([]);

  // A time that does not exist is refused next to its field until fixed.
  const publish = page.getByRole('button', { name: '立即发布' });
  const timeError = page.locator('#window-0-start-error');
  await start.fill('25:00');
  await expect(timeError).toHaveText('请输入 00:00 至 23:59 之间的时间（时:分）。');
  await expect(start).toHaveAttribute('aria-invalid', 'true');
  await expect(publish).toBeDisabled();
  await start.fill('21:00');
  await expect(timeError).toHaveText('');
  await expect(start).toHaveAttribute('aria-invalid', 'false');

  // So is a minimum above the maximum, from core's validate().
  const minError = page.locator('#bounds-min-error');
  await page.getByLabel('最大数量（可留空）').fill('150');
  await page.getByLabel('最小数量').fill('200');
  await expect(minError).toHaveText('最小值不能大于最大值。');
  await expect(publish).toBeDisabled();
  await page.getByLabel('最小数量').fill('2');
  await expect(minError).toHaveText('');
  await expect(page.getByText('设置有效。')).toBeVisible();
  await expect(publish).toBeEnabled();

  // The calculator runs the edited draft: 20:30 is now outside the window.
  await page.getByLabel('数量', { exact: true }).fill('30');
  await page.getByLabel('开始时间').fill('2026-12-01T20:30');
  await expect(page.locator('.calc-result')).toHaveText(/^未计入: .* 不在规则规定的时段内/);
  await page.getByLabel('开始时间').fill('2026-12-01T21:30');
  await expect(page.locator('.calc-result')).toHaveText(/^已计入/);
  // A day long before the draft takes effect still shows what its terms
  // make of the action: the calculator is about the terms, not the dates.
  await page.getByLabel('开始时间').fill('2025-12-01T21:30');
  await expect(page.locator('.calc-result')).toHaveText(/^已计入/);

  await page.getByRole('button', { name: '保存草稿' }).click();
  await expect(page.getByText('草稿已保存。')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('时段开始（时:分） 1')).toHaveValue('21:00');
  await expect(page.getByLabel('最大数量（可留空）')).toHaveValue('150');
  await expect(page.getByLabel('最小数量')).toHaveValue('2');

  await page.getByRole('button', { name: '立即发布' }).click();
  await expect(page.getByText('已发布。')).toBeVisible();
  await page.goto('/how-it-works');
  const refuel = page.getByRole('region', { name: '夜间错峰加油' });
  // (The description still cites Luohe's 20:00–06:00 as the source.)
  await expect(refuel).toContainText(/时段\s*21:00–06:00/);
});

test('an admin adds a weekend multiplier and a fixed reduction per trip to a draft, the calculator follows, and both are saved', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('手机号或邮箱').fill('admin@tanpu.demo');
  await page.getByLabel('密码').fill('tanpu-demo-2026');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/me$/);

  await page.goto('/admin/rules');
  await page.getByRole('link', { name: '编辑 骑行' }).click();
  await page.getByRole('button', { name: '从现行版本新建草稿' }).click();
  const publish = page.getByRole('button', { name: '立即发布' });

  // The unit is tied to the kind: a bike trip is measured in km only, so
  // the select offers nothing else (core's check stays for the API).
  const unit = page.getByLabel('计量单位');
  await expect(unit).toHaveValue('km');
  await expect(unit.locator('option')).toHaveText(['公里']);
  await expect(page.locator('#rule-unit-error')).toHaveText('');
  await expect(unit).toHaveAttribute('aria-invalid', 'false');

  // From factors to a fixed amount per trip: it starts from the net factor.
  const method = page.getByLabel('减排量计算方式');
  await expect(method).toHaveValue('factors');
  await method.selectOption('fixed');
  await expect(page.getByLabel('基准排放（毫克/单位）')).toHaveCount(0);
  const fixed = page.getByLabel('每次减排量（毫克）');
  await expect(fixed).toHaveValue('93300');
  await fixed.fill('150000');

  // A multiplier of its own: ×150% on Saturdays and Sundays.
  await page.getByRole('button', { name: '添加加成' }).click();
  await page.getByLabel('加成标签（中文） 1').fill('周末骑行加成');
  await page.getByLabel('加成标签（英文） 1').fill('Weekend rides');
  const percent = page.getByLabel('加成百分比 1: 周末骑行加成');
  await percent.fill('150');
  await page.getByLabel('星期六 · 加成 1').check();
  await page.getByLabel('星期日 · 加成 1').check();
  await expect(page.getByText('设置有效。')).toBeVisible();
  await expect(publish).toBeEnabled();
  const editorScan = await new AxeBuilder({ page }).analyze();
  expect(editorScan.violations.map((v) => `editor: ${v.id}: ${v.help}`)).toEqual([]);

  // 150 g whatever the distance, 1000 points per kg: 150 points, ×1.5 on a Saturday.
  const wednesday = '2026-12-02T08:00';
  const saturday = '2026-12-05T08:00';
  await page.getByLabel('数量', { exact: true }).fill('5');
  await page.getByLabel('开始时间').fill(wednesday);
  await expect(page.locator('.calc-result')).toHaveText('已计入: 150 · 150 g CO₂e');
  await page.getByLabel('开始时间').fill(saturday);
  await expect(page.locator('.calc-result')).toHaveText('已计入: 225 · 150 g CO₂e');

  await page.getByRole('button', { name: '保存草稿' }).click();
  await expect(page.getByText('草稿已保存。')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('减排量计算方式')).toHaveValue('fixed');
  await expect(page.getByLabel('每次减排量（毫克）')).toHaveValue('150000');
  await expect(page.getByLabel('加成标签（中文） 1')).toHaveValue('周末骑行加成');
  await expect(page.getByLabel('加成标签（英文） 1')).toHaveValue('Weekend rides');
  await expect(page.getByLabel('加成百分比 1: 周末骑行加成')).toHaveValue('150');
  await expect(page.getByLabel('星期六 · 加成 1')).toBeChecked();
  await expect(page.getByLabel('星期日 · 加成 1')).toBeChecked();
  await expect(page.getByLabel('星期一 · 加成 1')).not.toBeChecked();
  await page.getByLabel('开始时间').fill(saturday);
  await expect(page.locator('.calc-result')).toHaveText('已计入: 225 · 150 g CO₂e');

  // Removing the multiplier is one keyboard press on its named button.
  await page.getByRole('button', { name: '删除加成 1' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('加成标签（中文） 1')).toHaveCount(0);
  await expect(page.locator('.calc-result')).toHaveText('已计入: 150 · 150 g CO₂e');
});
