// The browser bundle's budget (issue 7): the gzipped wasm + JS + CSS, and the
// time from navigation to the first render of the home page in headless
// Chromium on localhost (median of several loads, cold and warm cache).
//
//   node bench/frontend.mjs <base-url> <dist-dir> [loads]
//
// Measured, never estimated: sizes are gzip -9 of the files Trunk built;
// "first render" is performance.now() (milliseconds since navigation
// started) at the start of the first frame after the page's <h1> is in the
// document — the frame that paints it — taken in the page by a script that
// runs before the page's own (`watchHeadings`). Reading the clock from the
// bench once Playwright has seen the <h1> (as sessions 5–20 did) added
// Playwright's own polling and two round trips to the page: 150–180 ms
// more on a cold load on session 21's machine.
//
// The citizen app's pages are lazily loaded chunks (scripts/split-wasm.sh),
// so its download depends on the page opened: the budget's figure is what
// Chromium fetched for a cold load of a page (every wasm, JS and CSS file it
// requested, at its gzip -9 size), for every page; the whole app (every
// page's chunk) is reported beside it.
import { chromium } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [base, dist, loadsArg] = process.argv.slice(2);
if (!base || !dist) {
  console.error('usage: node bench/frontend.mjs <base-url> <dist-dir> [loads]');
  process.exit(2);
}
const loads = Number(loadsArg ?? 9);

// A `.pack` is wasm: a group's modules in one file (scripts/pack-wasm.mjs).
const kindOf = (name) =>
  /\.(wasm|pack)$/.test(name) ? 'wasm' : name.endsWith('.js') ? 'js' : name.endsWith('.css') ? 'css' : null;
const gzipped = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

// The gzipped wasm, JS and CSS of a build in `dir`, its split folders
// included (another build's folder, `staff/`, is not).
function bundleSizes(dir) {
  const sizes = { wasm: 0, js: 0, css: 0, files: 0 };
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (existsSync(join(path, 'index.html'))) continue;
      const inner = bundleSizes(path);
      for (const k of ['wasm', 'js', 'css', 'files']) sizes[k] += inner[k];
      continue;
    }
    const kind = kindOf(name);
    if (kind) {
      sizes[kind] += gzipped(path);
      sizes.files += 1;
    }
  }
  return { ...sizes, total: sizes.wasm + sizes.js + sizes.css };
}
// The budget is the citizen app's (dist/); the staff console (dist/staff)
// is a build of its own that only staff load, reported beside it.
const sizes = bundleSizes(dist);
const staff = existsSync(join(dist, 'staff')) ? bundleSizes(join(dist, 'staff')) : null;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// Before any of the page's scripts: notes each heading the page's <main>
// shows (each <h1> element, again when its text changes) with the time of
// the first frame after it appeared, in `window.__headings`.
function watchHeadings() {
  const headings = [];
  window.__headings = headings;
  const seen = new WeakMap();
  const note = () => {
    for (const h1 of document.querySelectorAll('main h1')) {
      const text = h1.textContent;
      if (seen.get(h1) === text) continue;
      seen.set(h1, text);
      const heading = { text, frame: undefined };
      headings.push(heading);
      requestAnimationFrame(() => { heading.frame = performance.now(); });
    }
  };
  new MutationObserver(note).observe(document, { childList: true, subtree: true, characterData: true });
}

// Milliseconds from navigation to the first frame that shows a <h1> in
// <main> containing `text`, on the page loaded last.
async function renderedAt(page, text = '') {
  const handle = await page.waitForFunction((text) => {
    const heading = window.__headings?.find((h) => h.text.includes(text) && h.frame !== undefined);
    return heading?.frame;
  }, text, { timeout: 30_000 });
  return handle.jsonValue();
}

async function firstRender(page) {
  await page.goto(base + '/', { waitUntil: 'commit' });
  return renderedAt(page);
}

// Signs `login` in through the sign-in page, and waits until the page it
// goes on to has finished loading (its code must not be counted as the next
// page's).
async function signIn(page, login) {
  await page.goto(base + '/login');
  await page.getByLabel('手机号或邮箱').fill(login);
  await page.getByLabel('密码').fill('tanpu-demo-2026');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/me$/);
  await page.waitForSelector('main h1', { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
}

// The home page of a signed-in citizen — the dashboard, whose code is
// fetched after the main module's — from an emptied cache, the session
// kept: milliseconds from navigation to the dashboard's <h1>.
async function signedInFirstRender(page, cdp) {
  await cdp.send('Network.clearBrowserCache');
  await page.goto(base + '/', { waitUntil: 'commit' });
  return renderedAt(page, '你好');
}

// The address of the citizen's newest action's breakdown, read off their
// action list.
async function newestActionPath(page) {
  await page.goto(base + '/actions');
  const row = page.locator('main a[href^="/actions/"]:not([href="/actions/claim"])').first();
  await row.waitFor({ timeout: 30_000 });
  const path = await row.getAttribute('href');
  await page.waitForLoadState('networkidle');
  return path;
}

// What a cold load of `path` downloads: the gzip -9 sizes of the wasm, JS and
// CSS files Chromium requested until the page's <h1> showed and the network
// went quiet, by kind. With `login`, a citizen signed in first (through the
// sign-in page), and the browser's cache emptied before the load measured.
// `/actions/:id` is the citizen's newest action.
async function coldDownload(path, login) {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  if (login) {
    await signIn(page, login);
    if (path === '/actions/:id') path = await newestActionPath(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
  }
  const requested = new Set();
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.origin === new URL(base).origin && kindOf(url.pathname)) requested.add(url.pathname);
  });
  await page.goto(base + path, { waitUntil: 'commit' });
  await page.waitForSelector('main h1', { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  await context.close();
  const got = { wasm: 0, js: 0, css: 0, files: requested.size };
  for (const file of requested) got[kindOf(file)] += gzipped(join(dist, file));
  return { ...got, total: got.wasm + got.js + got.css };
}
const opened = [];
// Every page of the citizen app that can be opened by its address: a
// visitor's, then a signed-in citizen's.
for (const path of ['/', '/login', '/register', '/how-it-works', '/privacy']) {
  opened.push([path, await coldDownload(path)]);
}
for (const path of ['/', '/rewards', '/actions', '/actions/:id', '/actions/claim', '/vouchers', '/leaderboard', '/me']) {
  opened.push([`${path}, signed in`, await coldDownload(path, '13800000001')]);
}

const cold = [];
for (let i = 0; i < loads; i++) {
  const context = await browser.newContext();
  await context.addInitScript(watchHeadings);
  const page = await context.newPage();
  cold.push(await firstRender(page));
  await context.close();
}
const context = await browser.newContext();
await context.addInitScript(watchHeadings);
const page = await context.newPage();
await firstRender(page);
const warm = [];
for (let i = 0; i < loads; i++) warm.push(await firstRender(page));
await context.close();
const citizenContext = await browser.newContext({ locale: 'zh-CN' });
await citizenContext.addInitScript(watchHeadings);
const citizenPage = await citizenContext.newPage();
await signIn(citizenPage, '13800000001');
const cdp = await citizenContext.newCDPSession(citizenPage);
const signedIn = [];
for (let i = 0; i < loads; i++) signedIn.push(await signedInFirstRender(citizenPage, cdp));
await browser.close();

const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const ms = (x) => `${x.toFixed(0)} ms`;
const verdict = (ok) => (ok ? 'pass' : 'MISS');
console.log('| benchmark | settings | figure | target | verdict |');
console.log('|---|---|---|---|---|');
for (const [path, got] of opened) {
  console.log(`| frontend: gzipped download to open ${path} (cold) | ${got.files} files: wasm ${kb(got.wasm)}, JS ${kb(got.js)}, CSS ${kb(got.css)} (gzip -9) | ${kb(got.total)} | < 200 KB | ${verdict(got.total < 200 * 1024)} |`);
}
console.log(`| frontend: the whole citizen app, every page (not one load) | ${sizes.files} files: wasm ${kb(sizes.wasm)}, JS ${kb(sizes.js)}, CSS ${kb(sizes.css)} (gzip -9) | ${kb(sizes.total)} | — | info |`);
if (staff) {
  console.log(`| frontend: staff console bundle (not a citizen's load) | wasm ${kb(staff.wasm)}, JS ${kb(staff.js)}, CSS ${kb(staff.css)} (gzip -9) | ${kb(staff.total)} | — | info |`);
}
console.log(`| frontend: first render of / (cold cache) | median of ${loads} loads, new context each; min ${ms(Math.min(...cold))}, max ${ms(Math.max(...cold))} | ${ms(median(cold))} | < 300 ms | ${verdict(median(cold) < 300)} |`);
console.log(`| frontend: first render of / (warm cache) | median of ${loads} reloads; min ${ms(Math.min(...warm))}, max ${ms(Math.max(...warm))} | ${ms(median(warm))} | < 300 ms | ${verdict(median(warm) < 300)} |`);
console.log(`| frontend: first render of /, signed in (cold cache) | median of ${loads} loads, cache emptied before each, the session kept; the dashboard's <h1>; min ${ms(Math.min(...signedIn))}, max ${ms(Math.max(...signedIn))} | ${ms(median(signedIn))} | < 300 ms | ${verdict(median(signedIn) < 300)} |`);
