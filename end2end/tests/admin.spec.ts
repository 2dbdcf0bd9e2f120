import { test, expect, APIRequestContext, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  busRide,
  cityTime,
  createPartner,
  hoursAgoThisCityMonth,
  newCitizen,
  Partner,
  pointsText,
  sendSigned,
  signIn,
  startsThisCityMonth,
} from './support';

// The administrators' console: the city dashboard, reports, the ledger
// proof, and answering for a citizen (freeze, adjustment, audit log).

// The server allows 10 logins per account in 15 minutes and the whole suite
// signs the demo administrator in about that often: each test here signs in
// once, and API calls reuse the token of that sign-in.
const ADMIN = 'admin@tanpu.demo';
// Demo citizen 13800000002 has this card bound (tanpu demo seed).
const CITIZEN = { login: '13800000002', card: '3100 0000 0000 0002' };

async function noSeriousA11yViolations(page: Page, where: string) {
  const scan = await new AxeBuilder({ page }).analyze();
  const serious = scan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${where}: ${v.id} (${v.impact}): ${v.help}`)).toEqual([]);
}

/// Signs in through the page and returns the access token the app got.
async function signInForToken(page: Page, login: string): Promise<string> {
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
  await signIn(page, login);
  return (await (await answer).json()).access_token;
}

/// A partner for bus rides, created through the API with `token`.
async function newPartner(request: APIRequestContext, token: string): Promise<Partner> {
  const name = `E2E 公交 ${randomUUID().slice(0, 8)}`;
  const res = await request.post('/api/v1/admin/partners', {
    headers: { authorization: `Bearer ${token}` },
    data: { name, kinds: ['bus_ride'] },
  });
  expect(res.status()).toBe(201);
  const body = await res.json();
  return { id: body.partner_id, secret: body.secret, name };
}

function adminNav(page: Page) {
  return page.getByRole('navigation', { name: '管理后台' });
}

function heading(page: Page) {
  return page.getByRole('heading', { level: 1 });
}

/// RFC 4180 rows (quoted fields may hold commas and quotes).
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/// Today and the first of the month in city time (UTC+8), as YYYY-MM-DD.
function cityMonth(): { first: string; today: string } {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  return { first: `${today.slice(0, 8)}01`, today };
}

/// The dashboard's CO2e for this month, as the page shows it in grams, and
/// as the API sent it.
async function dashboardMonthCo2e(page: Page): Promise<number> {
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/admin/dashboard'));
  await page.goto('/admin');
  const dashboard = await (await answer).json();
  await expect(heading(page)).toHaveText('全市概览');
  await page.getByRole('button', { name: '本月', exact: true }).click();
  await expect(page.getByRole('button', { name: '本月', exact: true })).toHaveAttribute('aria-pressed', 'true');
  const card = page.getByRole('list', { name: '合计' }).getByRole('listitem').filter({ hasText: '减排量（二氧化碳当量）' });
  const grams = Number(((await card.locator('.stat-note').textContent()) ?? '').replace(/[^\d]/g, ''));
  const month = dashboard.windows.find((w: { window: string }) => w.window === 'month');
  expect(grams).toBe(month.totals.co2e_g);
  return grams;
}

// One administrator's session for both tests, run in order: see ADMIN.
test.describe.serial('an administrator', () => {
  let page: Page;
  let token: string;

  test.beforeAll(async ({ browser }) => {
    page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    token = await signInForToken(page, ADMIN);
  });

  test.afterAll(async () => {
    await page.context().close();
  });

  test('the dashboard, the monthly CSV and the certified statement agree, and the ledger is proven intact', async ({ request }) => {
    // A ride of the test's own in the current city month, so that the
    // month's figures are not empty on its first day (in its first half
    // hour no ride fits, and the month may be empty).
    const rider = await newCitizen(request, '月报');
    const hoursAgo = hoursAgoThisCityMonth(1);
    await busRide(request, await createPartner(request), rider.card, hoursAgo);

    await page.goto('/me');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '管理后台', exact: true }).click();
    await expect(heading(page)).toHaveText('全市概览');
    await expect(adminNav(page).getByRole('link', { name: '概览' })).toHaveAttribute('aria-current', 'page');

    // The window switch changes the totals shown; the chart has its numbers as a table.
    await page.getByRole('button', { name: '今天', exact: true }).click();
    await expect(page.getByRole('button', { name: '今天', exact: true })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('button', { name: '本月', exact: true })).toHaveAttribute('aria-pressed', 'false');
    await expect(page.getByText(/统计日期：/)).toContainText(`${cityMonth().today} – ${cityMonth().today}`);
    await expect(page.getByRole('img', { name: '最近 30 天的减排（克）' })).toBeVisible();
    await page.getByText('查看数据').click();
    await expect(page.getByRole('figure').getByRole('row')).toHaveCount(31); // a header and 30 days
    for (const name of ['按行动类型', '按合作方', '按区县', '账本完整性']) {
      await expect(page.getByRole('region', { name, exact: true })).toBeVisible();
    }
    await noSeriousA11yViolations(page, '/admin');

    // The month's CO2e on the dashboard is the sum of the accepted rows of the
    // month's actions CSV, and the certified statement's total. Other specs
    // credit rides meanwhile, so all three are read again until they agree.
    const { first, today } = cityMonth();
    await expect(async () => {
      const shown = await dashboardMonthCo2e(page);
      await adminNav(page).getByRole('link', { name: '报表' }).click();
      await expect(heading(page)).toHaveText('报表');
      await expect(page.getByLabel('开始日期')).toHaveValue(first);
      await expect(page.getByLabel('结束日期')).toHaveValue(today);
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: '下载行动明细（CSV）' }).click();
      const file = await download;
      expect(file.suggestedFilename()).toBe(`tanpu-actions-${first}-${today}.csv`);
      const [header, ...rows] = parseCsv(readFileSync((await file.path())!, 'utf8'));
      expect(header).toEqual(['day', 'kind', 'partner_id', 'partner', 'district', 'status', 'actions', 'co2e_g', 'points']);
      const accepted = rows.filter((r) => r[5] === 'accepted');
      if (startsThisCityMonth(hoursAgo)) expect(accepted.length).toBeGreaterThan(0);
      const sum = accepted.reduce((total, r) => total + Number(r[7]), 0);
      expect(sum).toBe(shown);

      await page.getByRole('button', { name: '生成认证减排量报表' }).click();
      const statement = page.getByRole('article', { name: '认证减排量报表' });
      await expect(statement).toContainText(`${first} – ${today}`);
      await expect(statement).toContainText(`${pointsText(sum)} 克`);
    }).toPass({ timeout: 45_000 });
    await expect(page.getByRole('button', { name: '打印' })).toBeVisible();
    const csv = page.waitForEvent('download');
    await page.getByRole('button', { name: '下载 CSV' }).click();
    expect((await csv).suggestedFilename()).toBe(`tanpu-certified-${first}-${today}.csv`);
    await noSeriousA11yViolations(page, '/admin/reports');

    // A period that ends before it starts is refused next to the field.
    await page.getByLabel('结束日期').fill('2020-01-01');
    await page.getByRole('button', { name: '下载行动明细（CSV）' }).click();
    await expect(page.locator('#field-report-to-error')).toHaveText('结束日期不能早于开始日期。');

    // "Verify now" runs the proof and says the ledger is intact.
    await adminNav(page).getByRole('link', { name: '概览' }).click();
    const ledger = page.getByRole('region', { name: '账本完整性' });
    await ledger.getByRole('button', { name: '立即核验' }).click();
    const result = ledger.locator('.notice-ok');
    await expect(result).toContainText('账本完整');
    await expect(result.locator('dt:text-is("全部余额之和") + dd')).toHaveText('0');
    await expect(result.locator('dt:text-is("问题数") + dd')).toHaveText('0');
    await expect(ledger.locator('dl').first().locator('dt:text-is("结果") + dd')).toHaveText('账本完整');
    await noSeriousA11yViolations(page, '/admin, verified');

    // On a 360-px phone the dashboard fits the width.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto('/admin');
    await expect(page.getByRole('img', { name: '最近 30 天的减排（克）' })).toBeVisible();
    await expect(page.getByRole('region', { name: '按区县' })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  test('an administrator freezes a citizen, whose records are then held, unfreezes them and adjusts their points', async ({ request }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/admin');
    await adminNav(page).getByRole('link', { name: '市民' }).click();
    await expect(heading(page)).toHaveText('市民');

    // Found by phone number.
    await page.getByRole('button', { name: '查找' }).click();
    await expect(page.locator('#field-citizen-q-error')).toHaveText('请填写此项。');
    await page.getByLabel('查找市民').fill(CITIZEN.login);
    await page.getByRole('button', { name: '查找' }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/citizens\\?q=${CITIZEN.login}$`));
    const found = page.getByRole('row').filter({ hasText: CITIZEN.login });
    await expect(found).toHaveCount(1);
    await noSeriousA11yViolations(page, '/admin/citizens');
    await found.getByRole('link').click();
    await expect(page).toHaveURL(/\/admin\/citizens\/\d+$/);
    const citizenId = page.url().split('/').pop()!;
    await expect(page.locator('.citizen-facts')).toContainText(CITIZEN.login);
    await expect(page.locator('.citizen-facts')).toContainText('正常');
    await expect(page.getByRole('region', { name: '绑定的卡和车牌' })).toContainText('0002');
    const nickname = (await heading(page).textContent())!;
    await noSeriousA11yViolations(page, '/admin/citizens/:id');

    // Freezing needs a reason, which the page then shows.
    const facts = page.locator('.citizen-facts');
    const balance = () => facts.locator('dt:text-is("可用积分") + dd');
    const frozenBalance = (await balance().textContent())!;
    const reasonField = page.getByLabel('原因（必填，记入审计日志）');
    await page.getByRole('button', { name: '冻结账户' }).click();
    await expect(page.locator('#field-freeze-reason-error')).toHaveText('请填写此项。');
    const freezeReason = `E2E 核查异常出行 ${randomUUID().slice(0, 6)}`;
    await reasonField.fill(freezeReason);
    await page.getByRole('button', { name: '冻结账户' }).click();
    await expect(page.getByRole('status')).toHaveText('账户已冻结。');
    await expect(facts).toContainText('已冻结');
    await expect(facts).toContainText(freezeReason);

    // A partner's record for their card is held, not credited.
    const partner = await newPartner(request, token);
    const externalId = `E2E-FROZEN-${randomUUID()}`;
    const res = await sendSigned(request, partner, '/api/v1/partner/actions', {
      external_id: externalId,
      kind: 'bus_ride',
      subject: { type: 'transit_card', value: CITIZEN.card },
      started_at: cityTime(6),
      ended_at: cityTime(5.6),
      quantity: 5.1,
      unit: 'km',
      attributes: { route: 'E2E' },
    });
    expect(res.status()).toBe(200);
    const decision = await res.json();
    expect(decision.status).toBe('held');
    expect(decision.reasons).toContain('account_frozen');
    await page.reload();
    const recent = page.getByRole('region', { name: '最近的行动' });
    await expect(recent.getByRole('row').filter({ hasText: '账户已冻结，记录待审核。' }).first()).toContainText('待审核');
    await expect(balance()).toHaveText(frozenBalance);

    // Unfrozen, with a reason too.
    await page.getByLabel('原因（必填，记入审计日志）').fill('E2E 核查完毕');
    await page.getByRole('button', { name: '解除冻结' }).click();
    await expect(page.getByRole('status')).toHaveText('账户已解除冻结。');
    await expect(facts).toContainText('正常');

    // A manual credit of 50 points: confirmed first, then on the statement.
    const before = Number(((await balance().textContent()) ?? '').replace(/,/g, ''));
    await page.getByLabel('积分', { exact: true }).fill('0');
    await page.getByRole('button', { name: '调整…' }).click();
    await expect(page.locator('#field-adjust-amount-error')).toHaveText('请输入不为 0 的整数。');
    await expect(page.locator('#field-adjust-reason-error')).toHaveText('请填写此项。');
    const memo = `E2E 补发 K5 路漏记 ${randomUUID().slice(0, 6)}`;
    await page.getByLabel('积分', { exact: true }).fill('50');
    await page.getByLabel('原因', { exact: true }).fill(memo);
    await page.getByRole('button', { name: '调整…' }).click();
    const dialog = page.getByRole('dialog', { name: '确认调整' });
    await expect(dialog).toBeFocused();
    await expect(dialog).toContainText(`为「${nickname}」增加 50 积分？余额将从 ${pointsText(before)} 变为 ${pointsText(before + 50)}。`);
    await noSeriousA11yViolations(page, '/admin/citizens/:id, confirming');
    await dialog.getByRole('button', { name: '确认调整' }).click();
    await expect(page.getByRole('status')).toHaveText(`积分已调整，当前余额 ${pointsText(before + 50)}。`);
    await expect(balance()).toHaveText(pointsText(before + 50));
    const line = page.getByRole('region', { name: '积分明细' }).getByRole('row').filter({ hasText: memo });
    await expect(line).toContainText('人工调整');
    await expect(line).toContainText('+50');
    await expect(line).toContainText(pointsText(before + 50));

    // Every change is in the audit log, with the object before and after.
    await adminNav(page).getByRole('link', { name: '审计日志' }).click();
    await expect(heading(page)).toHaveText('审计日志');
    await page.getByLabel('操作', { exact: true }).fill('citizen.');
    await page.getByLabel('对象编号', { exact: true }).fill(citizenId);
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    const entries = page.getByRole('list', { name: '审计日志' }).getByRole('listitem');
    await expect(entries.filter({ hasText: 'citizen.adjust' }).filter({ hasText: memo })).toHaveCount(1);
    const freeze = entries.filter({ hasText: 'citizen.freeze' }).filter({ hasText: freezeReason });
    await expect(freeze).toHaveCount(1);
    await expect(freeze.locator('pre').first()).toContainText('"frozen": false');
    await expect(freeze.locator('pre').last()).toContainText('"frozen": true');
    await expect(entries.filter({ hasText: 'citizen.unfreeze' }).first()).toBeVisible();
    // Every entry shown is a citizen change. Asserted on the whole list
    // (retried until it holds), not entry by entry: the list may still be
    // replacing the unfiltered entries with the filtered ones.
    await expect(entries.filter({ hasNotText: /citizen\./ })).toHaveCount(0);
    await noSeriousA11yViolations(page, '/admin/audit');
  });
});


test('a reviewer sees only the review queue in the console, and a citizen is kept out', async ({ page, browser }) => {
  await signIn(page, 'reviewer@tanpu.demo');
  await page.goto('/review');
  await expect(heading(page)).toHaveText('审核队列');
  const links = adminNav(page).getByRole('link');
  await expect(links).toHaveCount(1);
  await expect(links).toHaveText('审核');
  await page.goto('/admin');
  await expect(page.getByRole('alert')).toHaveText('你没有权限查看此页面。');

  const citizen = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(citizen, '13800000003');
  await expect(citizen.getByRole('link', { name: '管理后台' })).toHaveCount(0);
  await citizen.goto('/admin/partners');
  await expect(citizen.getByRole('alert')).toHaveText('你没有权限查看此页面。');
  await expect(adminNav(citizen)).toHaveCount(0);
});

test('the console is a build of its own: a citizen never downloads it, staff get it from the console link', async ({ browser }) => {
  const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  const wasm: string[] = [];
  page.on('request', (r) => {
    if (/\.(wasm|pack)$/.test(r.url())) wasm.push(new URL(r.url()).pathname);
  });
  await signIn(page, '13800000003');
  for (const path of ['/', '/actions', '/rewards', '/vouchers', '/leaderboard', '/me']) {
    await page.goto(path);
    await expect(heading(page)).toBeVisible();
  }
  expect(wasm.length).toBeGreaterThan(0);
  expect(wasm.filter((p) => p.startsWith('/staff/'))).toEqual([]);
  await page.context().close();

  // An administrator follows the console link from a citizen page: the page
  // loads the console's build, signed in, and a citizen page loads the
  // citizen build again.
  const admin = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  const adminWasm: string[] = [];
  admin.on('request', (r) => {
    if (/\.(wasm|pack)$/.test(r.url())) adminWasm.push(new URL(r.url()).pathname);
  });
  await signIn(admin, ADMIN);
  await admin.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '积分规则', exact: true }).click();
  await expect(heading(admin)).toHaveText('积分规则管理');
  await expect(admin).toHaveURL(/\/admin\/rules$/);
  expect(adminWasm.filter((p) => p.startsWith('/staff/'))).toHaveLength(1);
  await admin.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '积分兑换', exact: true }).click();
  await expect(admin).toHaveURL(/\/rewards$/);
  await expect(heading(admin)).toBeVisible();
  expect(adminWasm.filter((p) => !p.startsWith('/staff/')).length).toBeGreaterThanOrEqual(2);
  await admin.context().close();

  // A signed-out visitor to a console page is sent to the citizen app's
  // sign-in page (the console hands the path over, once).
  const visitor = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await visitor.goto('/admin/rules');
  await expect(visitor).toHaveURL(/\/login$/);
  await expect(visitor.getByLabel('手机号或邮箱')).toBeVisible();
  await visitor.context().close();
});
