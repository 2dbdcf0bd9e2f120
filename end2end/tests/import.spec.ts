import { test, expect, APIRequestContext, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { apiToken, cityTime, pointsText, signIn } from './support';

// An administrator adds a partner and imports its records from a CSV file;
// the citizen whose card they name then sees the rides credited.

// Demo citizen 13800000005 has this card bound (tanpu demo seed).
const CITIZEN = { login: '13800000005', card: '3100 0000 0000 0005' };
const UNBOUND_CARD = '3100 9999 0000 1234';

async function noSeriousA11yViolations(page: Page, where: string) {
  const scan = await new AxeBuilder({ page }).analyze();
  const serious = scan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${where}: ${v.id} (${v.impact}): ${v.help}`)).toEqual([]);
}

/// `hoursAgo`, moved further back (all by the same amount) until none
/// starts near the demo seed's commutes, which ride at 07:xx and 17:xx
/// city time on earlier days: a ride of ours there would be refused as
/// overlapping, and the counts below would depend on the time of day.
function clearOfDemoCommutes(hoursAgo: number[]): number[] {
  const nearCommute = (h: number) => {
    const city = new Date(Date.now() - h * 3600_000 + 8 * 3600_000);
    const hour = city.getUTCHours() + city.getUTCMinutes() / 60;
    return (hour >= 6.5 && hour < 9.25) || (hour >= 16.5 && hour < 19.25);
  };
  let shift = 0;
  while (hoursAgo.some((h) => nearCommute(h + shift))) shift += 0.5;
  return hoursAgo.map((h) => h + shift);
}

/// The value shown beside a term of a `<dl>`.
function fact(scope: ReturnType<Page['locator']>, term: string) {
  return scope.locator(`dt:text-is("${term}") + dd`);
}

type Summary = { balance: number };
type Voucher = { price: number; issued_at: string };
type Action = { id: number; status: string; points: number };

/// The citizen's balance, their latest actions and their vouchers, through
/// the API: other specs credit and spend for this citizen too, so what the
/// import added is told apart from what they did.
async function citizenState(request: APIRequestContext, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  const summary: Summary = await (await request.get('/api/v1/me/summary', { headers })).json();
  const actions: Action[] = (await (await request.get('/api/v1/me/actions?limit=50', { headers })).json()).items;
  const vouchers: Voucher[] = (await (await request.get('/api/v1/me/vouchers', { headers })).json()).vouchers;
  return { balance: summary.balance, actions, vouchers };
}

test('an administrator imports a partner CSV, follows it to the end and reads the failed lines; the citizen sees the rides', async ({ page, browser, request }) => {
  const run = randomUUID().slice(0, 8);
  const ids = [1, 2, 3, 4].map((n) => `E2E-IMP-${run}-${n}`);
  // Rides of a few hours ago, apart from the ones other specs send for
  // this citizen and from the demo's commutes (overlapping rides are
  // refused).
  const [h1, h2, h3, h4] = clearOfDemoCommutes([9, 8, 7, 6]);
  const csv = [
    'external_id,kind,subject_type,subject_value,started_at,ended_at,quantity,unit,route,district',
    `${ids[0]},bus_ride,transit_card,${CITIZEN.card},${cityTime(h1)},${cityTime(h1 - 0.4)},6.2,km,K5,东昌府区`,
    `${ids[1]},bus_ride,transit_card,${CITIZEN.card},${cityTime(h2)},${cityTime(h2 - 0.4)},4.8,km,K7,东昌府区`,
    `${ids[2]},bus_ride,transit_card,${CITIZEN.card},${cityTime(h3)},${cityTime(h3 - 0.3)},about six,km,K5,`,
    `${ids[3]},bus_ride,transit_card,${UNBOUND_CARD},${cityTime(h4)},${cityTime(h4 - 0.4)},5.5,km,K5,`,
  ].join('\n') + '\n';

  // What the citizen had before, to see what the import added.
  const citizenToken = await apiToken(request, CITIZEN.login);
  const before = await citizenState(request, citizenToken);
  const startedAt = new Date();

  await signIn(page, 'admin@tanpu.demo');
  await page.goto('/admin');
  await page.getByRole('navigation', { name: '管理后台' }).getByRole('link', { name: '合作方与导入' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('合作方与导入');

  // A new partner: a name and the kinds it reports are required.
  const name = `E2E 导入公交 ${run}`;
  await page.getByRole('button', { name: '创建合作方' }).click();
  await expect(page.locator('#field-partner-name-error')).toHaveText('请填写此项。');
  await expect(page.locator('#partner-kinds-error')).toHaveText('请至少选择一种行动类型。');
  await page.getByLabel('合作方名称').fill(name);
  await page.getByRole('group', { name: '可上报的行动类型' }).getByLabel('公交出行').check();
  await page.getByRole('button', { name: '创建合作方' }).click();

  // Its secret is shown once, with the warning.
  const secret = page.getByRole('region', { name: `签名密钥 · ${name}` });
  await expect(secret).toBeVisible();
  await expect(secret).toContainText('密钥只显示这一次');
  await expect(fact(secret, '密钥')).toHaveText(/^whsec_[A-Za-z0-9+/=]{40,}$/);
  await expect(fact(secret, '合作方编号（tanpu-partner）')).toHaveText(/^\d+$/);
  await noSeriousA11yViolations(page, '/admin/partners, new secret');
  await secret.getByRole('button', { name: '我已保存，关闭' }).click();
  await expect(secret).toHaveCount(0);

  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('公交出行');
  await expect(row).toContainText('启用');
  await row.getByRole('button', { name: `导入文件 ${name}` }).click();

  // The file, picked through the file input; its format follows its name.
  const form = page.getByRole('region', { name: `导入记录 · ${name}` });
  await form.getByRole('button', { name: '开始导入' }).click();
  await expect(page.locator('#import-file-error')).toHaveText('请选择文件。');
  await form.getByLabel('文件', { exact: true }).setInputFiles({ name: 'rides.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(form.getByLabel('格式')).toHaveValue('csv');
  await form.getByRole('button', { name: '开始导入' }).click();

  // The progress bar runs to the end, then the counts and the failed lines.
  const progress = page.getByRole('region', { name: /^导入 #\d+ · rides\.csv$/ });
  await expect(progress.locator('.import-status')).toHaveText('已完成', { timeout: 30_000 });
  const bar = progress.getByRole('progressbar', { name: '进度' });
  const size = String(Buffer.byteLength(csv));
  await expect(bar).toHaveAttribute('max', size);
  await expect(bar).toHaveAttribute('value', size);
  await expect(fact(progress, '行数')).toHaveText('4');
  await expect(fact(progress, '已计入')).toHaveText('2');
  await expect(fact(progress, '未计入')).toHaveText('1');
  await expect(fact(progress, '待审核')).toHaveText('0');
  await expect(fact(progress, '重复')).toHaveText('0');
  await expect(fact(progress, '无效行')).toHaveText('1');

  const errors = progress.getByRole('table');
  await expect(errors.getByRole('row')).toHaveCount(3); // a header and two lines
  const malformed = errors.getByRole('row').filter({ hasText: 'invalid_record' });
  await expect(malformed.getByRole('cell').first()).toHaveText('4');
  await expect(malformed).toContainText('about six');
  const unbound = errors.getByRole('row').filter({ hasText: 'unbound_subject' });
  await expect(unbound.getByRole('cell').first()).toHaveText('5');
  await expect(unbound).toContainText(ids[3]);
  await noSeriousA11yViolations(page, '/admin/partners, import done');

  const download = page.waitForEvent('download');
  await progress.getByRole('button', { name: '下载出错的行（CSV）' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^tanpu-import-\d+-errors\.csv$/);
  const lines = readFileSync((await file.path())!, 'utf8').trim().split('\n');
  expect(lines[0]).toBe('line,external_id,reasons,detail');
  expect(lines).toHaveLength(3);
  expect(lines.find((l) => l.startsWith('5,'))).toContain(`${ids[3]},unbound_subject`);

  // The history lists it, and shows it again on request.
  const history = page.getByRole('region', { name: '导入历史' });
  const entry = history.getByRole('row').filter({ hasText: name });
  await expect(entry).toContainText('rides.csv');
  await expect(entry).toContainText('已完成');

  // The citizen sees the two rides credited, and their balance grew by
  // what was credited since (these rides, and any other spec's), less what
  // they redeemed meanwhile.
  const citizen = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(citizen, CITIZEN.login);
  await citizen.getByRole('link', { name: '我的行动' }).click();
  await expect(citizen.getByRole('heading', { level: 1 })).toHaveText('我的绿色行动');
  await citizen.getByLabel('类型').selectOption({ label: '公交出行' });
  let earned = 0;
  for (const km of ['6.2', '4.8']) {
    const ride = citizen.getByRole('link', { name: new RegExp(`公交出行.*${km.replace('.', '\\.')} 公里`) }).first();
    await expect(ride).toContainText('已计入');
    const points = Number(((await ride.locator('.action-points').textContent()) ?? '').replace(/[^\d]/g, ''));
    expect(points).toBeGreaterThan(0);
    earned += points;
  }
  await expect(async () => {
    const summaryAnswer = citizen.waitForResponse((r) => r.url().endsWith('/api/v1/me/summary'));
    await citizen.goto('/');
    const summary: Summary = await (await summaryAnswer).json();
    const shown = citizen.getByRole('list', { name: '首页' }).getByRole('listitem').filter({ hasText: '可用积分' });
    await expect(shown).toContainText(pointsText(summary.balance));
    const after = await citizenState(request, citizenToken);
    const lastBefore = Math.max(0, ...before.actions.map((a) => a.id));
    const credited = after.actions
      .filter((a) => a.id > lastBefore && a.status === 'accepted')
      .reduce((total, a) => total + a.points, 0);
    const spent = after.vouchers
      .filter((v) => new Date(v.issued_at) >= startedAt)
      .reduce((total, v) => total + v.price, 0);
    expect(credited).toBeGreaterThanOrEqual(earned);
    expect(after.balance).toBe(summary.balance);
    expect(summary.balance).toBe(before.balance + credited - spent);
  }).toPass({ timeout: 30_000 });
});
