import { test, expect, Browser, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

// City time (UTC+8) as a datetime-local value, `hoursAgo` hours ago.
function cityLocal(hoursAgo: number): string {
  return new Date(Date.now() - hoursAgo * 3600_000 + 8 * 3600_000).toISOString().slice(0, 16);
}

async function signIn(browser: Browser, login: string, password: string): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await page.goto('/login');
  await page.getByLabel('手机号或邮箱').fill(login);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/me$/);
  return page;
}

test('a citizen claims a missed ride and a reviewer approves it', async ({ browser }) => {
  const nickname = `申报人${Date.now() % 100000}`;
  const citizen = await signIn(browser, '13800000002', 'tanpu-demo-2026');
  await citizen.getByRole('textbox', { name: '昵称' }).fill(nickname);
  await citizen.getByRole('button', { name: '保存' }).click();
  await expect(citizen.getByRole('heading', { level: 1 })).toHaveText(nickname);

  await citizen.getByRole('link', { name: '我的行动' }).click();
  await citizen.getByRole('link', { name: '申报未被记录的行动' }).click();
  await expect(citizen.getByRole('heading', { level: 1 })).toHaveText('申报绿色行动');
  await citizen.getByRole('button', { name: '提交申报' }).click();
  await expect(citizen.locator('#claim-note-error')).toHaveText('请填写此项。');
  // The form as a citizen meets it after a mistake: errors tied to fields.
  const claimScan = await new AxeBuilder({ page: citizen }).analyze();
  expect(claimScan.violations.map((v) => `/actions/claim: ${v.id}: ${v.help}`)).toEqual([]);

  await citizen.getByLabel('类型').selectOption({ label: '公交出行' });
  await citizen.getByLabel('开始时间').fill(cityLocal(3));
  await citizen.getByLabel('结束时间（可选）').fill(cityLocal(2.7));
  await citizen.getByLabel('数量').fill('6.2');
  await citizen.getByLabel('说明（线路、站点、发生了什么）').fill('K5 路刷卡没反应，东昌湖上车');
  await citizen.getByRole('button', { name: '提交申报' }).click();
  await expect(citizen.getByRole('heading', { level: 1 })).toHaveText('行动详情');
  await expect(citizen.getByText('待审核')).toBeVisible();
  const detailUrl = citizen.url();

  const reviewer = await signIn(browser, 'reviewer@tanpu.demo', 'tanpu-demo-2026');
  await reviewer.getByRole('link', { name: '审核' }).click();
  await expect(reviewer.getByRole('heading', { level: 1 })).toHaveText('审核队列');
  const card = reviewer.getByRole('listitem').filter({ hasText: nickname }).filter({ hasText: 'K5 路刷卡没反应' });
  await expect(card).toBeVisible();
  const scan = await new AxeBuilder({ page: reviewer }).analyze();
  expect(scan.violations.map((v) => `/review: ${v.id}: ${v.help}`)).toEqual([]);
  await card.getByLabel('审核意见').fill('已核实车载记录');
  await card.getByRole('button', { name: '通过' }).click();
  await expect(card).toHaveCount(0);

  await citizen.goto(detailUrl);
  await expect(citizen.getByText('已计入')).toBeVisible();
  await expect(citizen.getByText('审核意见：已核实车载记录')).toBeVisible();
});
