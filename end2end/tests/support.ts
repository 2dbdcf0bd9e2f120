// Helpers shared by specs: API sign-in, and a partner that signs records
// with Node's own crypto — an implementation independent of the server's —
// exactly as DESIGN.md §6 describes.
import { expect, APIRequestContext, Page } from '@playwright/test';
import { createHmac, randomUUID } from 'node:crypto';

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
  expect(decision.status).toBe('accepted');
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
