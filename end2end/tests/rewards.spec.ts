import { test, expect, Page, APIRequestContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { randomUUID } from 'node:crypto';
import { apiToken, busRide, createPartner, hoursAgoThisCityMonth, newCitizen, pointsText, signIn, startsThisCityMonth } from './support';

// Rewards, vouchers and the leaderboard, as a citizen and as an administrator.
// Each flow uses a citizen no other spec touches, so balances and stock can be
// checked exactly while the suite runs in parallel.

type Reward = { id: number; category: string; name: string; price: number; stock: number; active: boolean };

const CATEGORIES = ['公交地铁乘车券', '商户优惠券', '公益捐赠', '减排证书'];

async function noA11yViolations(page: Page, where: string) {
  const scan = await new AxeBuilder({ page }).analyze();
  expect(scan.violations.map((v) => `${where}: ${v.id} (${v.impact}): ${v.help}`)).toEqual([]);
}

async function noHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

function nav(page: Page, name: string) {
  return page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name, exact: true });
}

type Citizen = { login: string; password?: string; nickname: string; card: string };

async function citizenFlow(page: Page, request: APIRequestContext, who: Citizen, phone: boolean) {
  // Points to spend and CO2e saved in the last seven days, from a partner's
  // signed record of a ride a couple of hours ago — later if the city month
  // began since, so that it counts for the month too.
  const hoursAgo = hoursAgoThisCityMonth(2);
  const ride = await busRide(request, await createPartner(request), who.card, hoursAgo);
  expect(ride.points).toBeGreaterThan(0);

  // Visitors see the catalogue and a way to sign in, not a Redeem button.
  await page.goto('/rewards');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('积分兑换');
  await expect(page.getByRole('heading', { level: 2, name: '公交地铁乘车券' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^兑换 / })).toHaveCount(0);
  await expect(page.getByRole('link', { name: '登录后兑换' }).first()).toBeVisible();

  await signIn(page, who.login, who.password);
  const summaryAnswer = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/summary'));
  const catalogueAnswer = page.waitForResponse((r) => r.url().endsWith('/api/v1/rewards'));
  await nav(page, '积分兑换').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('积分兑换');
  const before: number = (await (await summaryAnswer).json()).balance;
  const rewards: Reward[] = (await (await catalogueAnswer).json()).rewards;
  expect(before).toBeGreaterThanOrEqual(ride.points);
  const balance = page.locator('.balance');
  await expect(balance).toContainText('可用积分');
  await expect(balance).toContainText(pointsText(before));

  // Labelled by category: the demo seeds one of each.
  for (const name of CATEGORIES) {
    await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
  }
  const pass = rewards.find((r) => r.category === 'transit_pass' && r.stock > 0 && r.price <= before);
  expect(pass, 'a transit pass the citizen can afford').toBeTruthy();
  const { id, name, price, stock } = pass!;
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3, name, exact: true }) });
  await expect(card.locator('.price')).toHaveText(`${pointsText(price)} 积分`);
  await expect(card.locator('.stock')).toHaveText(pointsText(stock));
  await noA11yViolations(page, '/rewards');
  if (phone) await noHorizontalOverflow(page);

  // The confirmation step takes the focus and says what will happen;
  // Escape closes it and gives the focus back.
  const redeem = card.getByRole('button', { name: `兑换 ${name}` });
  await redeem.click();
  const dialog = page.getByRole('dialog', { name: '确认兑换' });
  await expect(dialog).toBeFocused();
  await expect(dialog).toContainText(`花费 ${pointsText(price)} 积分兑换「${name}」？`);
  await expect(dialog).toContainText(`你的积分将从 ${pointsText(before)} 变为 ${pointsText(before - price)}。`);
  await noA11yViolations(page, '/rewards, confirming');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(redeem).toBeFocused();

  // Confirm, tapped twice: one request, with an Idempotency-Key.
  await redeem.click();
  const keys: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().includes('/redeem')) keys.push(r.headers()['idempotency-key'] ?? '');
  });
  const redeemAnswer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/rewards/${id}/redeem`));
  const refetched = page.waitForResponse((r) => r.url().endsWith('/api/v1/rewards'));
  // The second tap must meet the step while its request is in flight, as
  // on a phone network: held back until both taps are in. (A tap after a
  // quick answer is the next test's.)
  const redeemPath = `**/api/v1/rewards/${id}/redeem`;
  await page.route(redeemPath, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await route.continue();
  });
  await dialog.getByRole('button', { name: '确认兑换' }).dblclick();
  const answer = await redeemAnswer;
  await page.unroute(redeemPath);
  expect(answer.status()).toBe(201);
  const redemption = await answer.json();
  expect(redemption.replayed).toBe(false);
  expect(redemption.balance).toBe(before - price);
  expect(keys).toHaveLength(1);
  expect(keys[0]).toMatch(/^[0-9a-f-]{16,}$/i);

  // The voucher, with its code, QR code and last day, and the way to the
  // citizen's vouchers (where its status and copy button are); balance and
  // stock drop.
  const issued = page.getByRole('region', { name: '兑换成功' });
  await expect(issued.getByRole('heading', { name: '兑换成功' })).toBeFocused();
  const code: string = redemption.voucher.code;
  await expect(issued.getByRole('heading', { level: 3 })).toHaveText(redemption.voucher.reward_name);
  await expect(issued.locator('.voucher-code')).toHaveText(code);
  const qr = issued.getByRole('img', { name: `二维码 ${code}` });
  await expect(qr).toBeVisible();
  await expect(qr.locator('svg')).toHaveCount(1);
  await expect(issued).toContainText('有效期至');
  await expect(issued.getByRole('link', { name: '查看我的全部券' })).toHaveAttribute('href', '/vouchers');
  await expect(balance).toContainText(pointsText(before - price));
  const stockNow = ((await (await refetched).json()).rewards as Reward[]).find((r) => r.id === id)!.stock;
  expect(stockNow).toBeLessThanOrEqual(stock - 1);
  await expect(card.locator('.stock')).toHaveText(stockNow > 0 ? pointsText(stockNow) : '已兑完');
  if (phone) await noHorizontalOverflow(page);

  // My vouchers, newest first.
  await nav(page, '我的券').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我的券');
  const newest = page.getByRole('list', { name: '我的券' }).getByRole('listitem').first();
  await expect(newest.getByRole('heading', { level: 2 })).toHaveText(redemption.voucher.reward_name);
  await expect(newest.locator('.voucher-code')).toHaveText(code);
  await expect(newest.getByRole('img', { name: `二维码 ${code}` })).toBeVisible();
  await expect(newest).toContainText('可使用');
  await expect(newest).toContainText('有效期至');
  await expect(newest.getByRole('button', { name: `复制券码 ${code}` })).toBeVisible();
  await noA11yViolations(page, '/vouchers');
  if (phone) await noHorizontalOverflow(page);

  // The leaderboard: opt in, and find yourself.
  // (gloo-net may end the query with a stray '&'.)
  const boardAnswer = page.waitForResponse((r) => r.url().includes('/api/v1/leaderboard?period=week'));
  await nav(page, '排行榜').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('减排排行榜');
  expect((await boardAnswer).status()).toBe(200);
  await expect(page.getByText('只显示昵称和减排量', { exact: false })).toBeVisible();
  const join = page.getByRole('switch', { name: '参加排行榜（显示我的昵称）' });
  await expect(join).not.toBeChecked();
  await expect(page.getByRole('row', { name: new RegExp(who.nickname) })).toHaveCount(0);
  const chosen = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/leaderboard'));
  await join.check();
  expect((await chosen).status()).toBe(200);
  await expect(join).toBeChecked();
  const mine = page.getByRole('row', { name: new RegExp(who.nickname) });
  await expect(mine).toHaveAttribute('aria-current', 'true');
  await expect(mine).toContainText('（你）');
  await expect(page.locator('.your-rank')).toContainText(/你的名次：第 \d+ 名（共 \d+ 人）/);
  const week = page.getByRole('button', { name: '近 7 天' });
  await expect(week).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: '本月' }).click();
  await expect(page.getByRole('button', { name: '本月' })).toHaveAttribute('aria-pressed', 'true');
  if (startsThisCityMonth(hoursAgo)) {
    await expect(page.getByRole('row', { name: new RegExp(who.nickname) })).toHaveAttribute('aria-current', 'true');
  } else {
    // The first half hour of a month: the ride was last month's.
    await expect(page.getByRole('row', { name: new RegExp(who.nickname) })).toHaveCount(0);
  }
  await noA11yViolations(page, '/leaderboard');
  if (phone) await noHorizontalOverflow(page);

  // Leaving takes you off the board.
  await join.uncheck();
  await expect(join).not.toBeChecked();
  await expect(page.getByRole('row', { name: new RegExp(who.nickname) })).toHaveCount(0);
}

test('a citizen redeems a transit pass, finds the voucher, and joins the leaderboard', async ({ page, request }) => {
  // A citizen of its own: the demo's are each another spec's.
  await citizenFlow(page, request, await newCitizen(request, '骑行上班族'), false);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

  test('the same flow works on a 360-pixel screen', async ({ page, request }) => {
    await citizenFlow(page, request, { login: 'li.hua@tanpu.demo', nickname: 'Li Hua', card: '3100 0000 0000 0004' }, true);
  });
});

/// A new citizen with a transit card and one credited ride, through the API.
// A citizen of their own with a bus ride's points: their login, password
// and API token.
async function freshCitizen(request: APIRequestContext, partner: Awaited<ReturnType<typeof createPartner>>) {
  const { login, password, card, token } = await newCitizen(request, '兑换者');
  await busRide(request, partner, card, 3);
  return { login, password, token };
}

test('a tap that comes down just after a quick redemption touches nothing', async ({ page, request }) => {
  // Answered at once, the step closes and the voucher appears above the
  // catalogue before a double tap's second tap comes down; that tap must
  // neither open another step nor take the focus from the voucher.
  const admin = await apiToken(request, 'admin@tanpu.demo');
  const name = `E2E 植树捐赠 ${randomUUID().slice(0, 6)}`;
  const created = await request.post('/api/v1/admin/rewards', {
    headers: { authorization: `Bearer ${admin}` },
    data: { category: 'donation', name, description: '捐 1 积分给城市绿化基金。', price: 1, stock: 5, voucher_days: 30, active: true },
  });
  expect(created.status()).toBe(201);
  const citizen = await freshCitizen(request, await createPartner(request));
  // The page's clock stands still (its timers run): the second tap comes
  // down "just after" the answer however long a busy machine takes to
  // click twice, and "half a second on" is exactly that.
  const now = Date.now();
  await page.clock.setFixedTime(now);
  await signIn(page, citizen.login, citizen.password);
  await nav(page, '积分兑换').click();
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3, name, exact: true }) });
  const redeem = card.getByRole('button', { name: `兑换 ${name}` });
  await redeem.click();
  const dialog = page.getByRole('dialog', { name: '确认兑换' });
  const box = (await dialog.getByRole('button', { name: '确认兑换' }).boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];

  const answer = page.waitForResponse((r) => r.url().includes('/redeem'));
  await page.mouse.click(x, y);
  expect((await answer).status()).toBe(201);
  const heading = page.getByRole('region', { name: '兑换成功' }).getByRole('heading', { name: '兑换成功' });
  await expect(heading).toBeFocused();
  await page.mouse.click(x, y);
  await expect(dialog).toHaveCount(0);
  await expect(heading).toBeFocused();

  // Half a second on, a tap is a tap again.
  await page.clock.setFixedTime(now + 600);
  await redeem.click();
  await expect(dialog).toBeFocused();
});

test('an administrator keeps the catalogue, reads redemptions and marks a voucher used', async ({ page, request }) => {
  const partner = await createPartner(request, `东昌湖咖啡 ${randomUUID().slice(0, 6)}`);
  const name = `E2E 咖啡券 ${randomUUID().slice(0, 6)}`;

  await signIn(page, 'admin@tanpu.demo');
  await nav(page, '奖品管理').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('奖品管理');
  await expect(page.getByRole('table')).toBeVisible();
  await noA11yViolations(page, '/admin/rewards');

  // Create, with a mistake the server explains next to the field.
  await page.getByRole('button', { name: '新建奖品' }).click();
  const form = page.getByRole('region', { name: '新建奖品' });
  await expect(form.getByRole('heading', { name: '新建奖品' })).toBeFocused();
  await form.getByLabel('类别').selectOption({ label: '商户优惠券' });
  await form.getByLabel('奖品名称').fill(name);
  await form.getByLabel('说明').fill('凭券到店兑换一杯美式咖啡。');
  await form.getByLabel('合作商户（核销方）').selectOption({ label: partner.name });
  await form.getByLabel('所需积分').fill('0');
  await form.getByLabel('库存').fill('5');
  await form.getByLabel('每人限兑（可选）').fill('2');
  await noA11yViolations(page, '/admin/rewards, new reward form');
  await form.getByRole('button', { name: '保存' }).click();
  await expect(form.locator('#field-reward-price-error')).toHaveText('必须大于 0。');
  await expect(form.getByLabel('所需积分')).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('所需积分').fill('50');
  await form.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status').filter({ hasText: '奖品已创建。' })).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row.getByRole('cell')).toHaveText([name, '商户优惠券', '50', '5', '0', '上架中', /编辑/]);

  // Edit its stock.
  await row.getByRole('button', { name: `编辑 ${name}` }).click();
  const edit = page.getByRole('region', { name: /编辑奖品/ });
  await expect(edit.getByLabel('库存')).toHaveValue('5');
  await expect(edit.getByLabel('奖品名称')).toHaveValue(name);
  await edit.getByLabel('库存').fill('8');
  await edit.getByRole('button', { name: '保存' }).click();
  await expect(page.getByRole('status').filter({ hasText: '已保存。' })).toBeVisible();
  await expect(row.getByRole('cell').nth(3)).toHaveText('8');

  // A citizen redeems it (through the API, with an Idempotency-Key) ...
  const { token } = await freshCitizen(request, await createPartner(request));
  const catalogue = await (await request.get('/api/v1/rewards')).json();
  const reward = (catalogue.rewards as Reward[]).find((r) => r.name === name)!;
  expect(reward.stock).toBe(8);
  const key = randomUUID();
  const redeemed = await request.post(`/api/v1/rewards/${reward.id}/redeem`, {
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
  });
  expect(redeemed.status()).toBe(201);
  const code: string = (await redeemed.json()).voucher.code;
  // ... and a retry with the same key charges nothing more.
  const replay = await request.post(`/api/v1/rewards/${reward.id}/redeem`, {
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
  });
  expect(replay.status()).toBe(200);
  expect((await replay.json()).replayed).toBe(true);

  // ... and the administrator sees the redemption.
  await page.reload();
  await row.getByRole('button', { name: `兑换记录 ${name}` }).click();
  const redemptions = page.getByRole('region', { name: `兑换记录 · ${name}` });
  const voucherRow = redemptions.getByRole('row', { name: new RegExp(code) });
  await expect(voucherRow).toContainText('可使用');
  await expect(redemptions.getByRole('row')).toHaveCount(2); // header + one voucher
  await expect(row.getByRole('cell').nth(3)).toHaveText('7');
  await expect(row.getByRole('cell').nth(4)).toHaveText('1');

  // Mark it used by its code, typed as a person would read it out.
  const use = page.getByRole('region', { name: '核销券码' });
  await use.getByLabel('券码').fill(code.toLowerCase().replaceAll('-', ' '));
  await use.getByRole('button', { name: '核销' }).click();
  await expect(use.getByRole('status')).toHaveText(`已核销：${code} · ${name}`);
  await expect(voucherRow).toContainText('已使用');

  // A second time, and an unknown code, are explained next to the field.
  await use.getByLabel('券码').fill(code);
  await use.getByRole('button', { name: '核销' }).click();
  await expect(use.locator('#field-voucher-code-error')).toHaveText('这张券已经使用过了。');
  await use.getByLabel('券码').fill('TP-0000-0000-0000');
  await use.getByRole('button', { name: '核销' }).click();
  await expect(use.locator('#field-voucher-code-error')).toHaveText('没有这个券码。');
  await noA11yViolations(page, '/admin/rewards, redemptions');
});

test('a citizen cannot open the reward administration', async ({ page }) => {
  await signIn(page, '13800000003');
  await expect(nav(page, '奖品管理')).toHaveCount(0);
  await page.goto('/admin/rewards');
  await expect(page.getByRole('alert')).toHaveText('你没有权限查看此页面。');
});

test('the app can be added to the home screen', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBe('/manifest.webmanifest');
  const res = await request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('application/manifest+json');
  const manifest = await res.json();
  expect(manifest).toMatchObject({ name: '碳普惠 Tanpu', start_url: '/', display: 'standalone', theme_color: '#1b5e20' });
  for (const icon of manifest.icons as { src: string; sizes: string; type: string }[]) {
    const file = await request.get(icon.src);
    expect(file.status(), icon.src).toBe(200);
    expect(file.headers()['content-type']).toBe(icon.type);
    if (icon.type === 'image/png') {
      // The PNG header's width and height match the declared size.
      const png = await file.body();
      const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      expect(`${w}x${h}`).toBe(icon.sizes);
    }
  }
  const touch = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
  expect((await request.get(touch!)).status()).toBe(200);
  await expect(page.locator('meta[name="theme-color"]')).toHaveAttribute('content', '#1b5e20');
});
