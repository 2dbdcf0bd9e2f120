// Helpers shared by specs: API sign-in, and a partner that signs records
// with Node's own crypto — an implementation independent of the server's —
// exactly as DESIGN.md §6 describes.
import { expect, APIRequestContext, Page } from '@playwright/test';
import { createHmac, randomInt, randomUUID } from 'node:crypto';

export const DEMO_PASSWORD = 'tanpu-demo-2026';

export type Partner = { id: number; secret: string; name: string };

/// An access token for `login`, through the API.
export async function apiToken(request: APIRequestContext, login: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await request.post('/api/v1/auth/login', { data: { login, password } });
  expect(res.ok()).toBeTruthy();
  return (await res.json()).access_token;
}

export async function createPartner(request: APIRequestContext, name = `聊城公交 ${randomUUID().slice(0, 8)}`): Promise<Partner> {
  const token = await apiToken(request, 'admin@tanpu.demo');
  const res = await request.post('/api/v1/admin/partners', {
    headers: { authorization: `Bearer ${token}` },
    data: { name, kinds: ['bus_ride'] },
  });
  expect(res.status()).toBe(201);
  const body = await res.json();
  return { id: body.partner_id, secret: body.secret, name };
}

export async function sendSigned(request: APIRequestContext, partner: Partner, path: string, body: unknown) {
  const text = JSON.stringify(body);
  const id = `msg_${randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const key = Buffer.from(partner.secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${text}`).digest('base64');
  return request.post(path, {
    headers: {
      'content-type': 'application/json',
      'tanpu-partner': String(partner.id),
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': `v1,${signature}`,
    },
    data: text,
  });
}

/// City time (UTC+8) `hoursAgo` hours ago, RFC 3339 with offset.
export function cityTime(hoursAgo: number): string {
  const t = new Date(Date.now() - hoursAgo * 3600_000 + 8 * 3600_000);
  return t.toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

/// Hours since the current city month began (0:00 on the 1st, UTC+8).
export function hoursIntoCityMonth(): number {
  const city = new Date(Date.now() + 8 * 3600_000);
  return (city.getUTCDate() - 1) * 24 + city.getUTCHours() + city.getUTCMinutes() / 60 + city.getUTCSeconds() / 3600;
}

/// When a ride (see [`busRide`]: 0.4 hours long) should start, in hours ago:
/// `preferred`, or later when that would be before the current city month
/// began, so that the ride counts for "this month" as well as the last
/// seven days. In the first half hour of a month no ride fits: then the ride
/// starts in the month before, and [`startsThisCityMonth`] says so.
export function hoursAgoThisCityMonth(preferred: number): number {
  return Math.max(0.45, Math.min(preferred, hoursIntoCityMonth() - 0.02));
}

/// Whether a ride starting `hoursAgo` hours ago is in the current city month.
export function startsThisCityMonth(hoursAgo: number): boolean {
  return hoursAgo < hoursIntoCityMonth();
}

/// A citizen of the test's own (no other spec touches them): registered and
/// with a transit card bound, through the API.
export async function newCitizen(request: APIRequestContext, nicknamePrefix: string) {
  const n = String(randomInt(100_000_000)).padStart(8, '0');
  const login = `137${n}`;
  const password = 'green-commute-2026';
  const nickname = `${nicknamePrefix}${n.slice(4)}`;
  const register = await request.post('/api/v1/auth/register', {
    data: { login, password, nickname, consent: true },
  });
  expect(register.status()).toBe(201);
  const token = await apiToken(request, login, password);
  const card = `3100 7${n.slice(0, 3)} ${n.slice(3, 7)}`;
  const bind = await request.post('/api/v1/me/bindings', {
    headers: { authorization: `Bearer ${token}` },
    data: { type: 'transit_card', value: card },
  });
  expect(bind.status()).toBe(201);
  return { login, password, nickname, card, token };
}

/// A 7.4 km bus ride on `card`, reported by `partner`, starting `hoursAgo`
/// hours ago (choose distinct hours per citizen: overlapping rides are
/// refused). Returns the decision.
export async function busRide(request: APIRequestContext, partner: Partner, card: string, hoursAgo: number) {
  const res = await sendSigned(request, partner, '/api/v1/partner/actions', {
    external_id: `E2E-BUS-${randomUUID()}`,
    kind: 'bus_ride',
    subject: { type: 'transit_card', value: card },
    started_at: cityTime(hoursAgo),
    ended_at: cityTime(hoursAgo - 0.4),
    quantity: 7.4,
    unit: 'km',
    attributes: { route: 'K5', from_stop: '东昌湖', to_stop: '火车站' },
  });
  expect(res.status()).toBe(200);
  const decision = await res.json();
  expect(decision.status, `the ride's reasons: ${JSON.stringify(decision.reasons)}`).toBe('accepted');
  return decision as { status: string; points: number; co2e_g: number };
}

export async function signIn(page: Page, login: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('手机号或邮箱').fill(login);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/me$/);
}

/// Points as the app shows them: digits grouped in threes.
export function pointsText(n: number): string {
  return n.toLocaleString('en-US');
}
