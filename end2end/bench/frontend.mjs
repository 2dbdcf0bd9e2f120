// The browser bundle's budget (issue 7): the gzipped wasm + JS + CSS, and the
// time from navigation to the first render of the home page in headless
// Chromium on localhost (median of several loads, cold and warm cache).
//
//   node bench/frontend.mjs <base-url> <dist-dir> [loads]
//
// Measured, never estimated: sizes are gzip -9 of the files Trunk built;
// "first render" is performance.now() (milliseconds since navigation
// started) at the moment the page's <h1> exists, read in the page.
import { chromium } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [base, dist, loadsArg] = process.argv.slice(2);
if (!base || !dist) {
  console.error('usage: node bench/frontend.mjs <base-url> <dist-dir> [loads]');
  process.exit(2);
}
const loads = Number(loadsArg ?? 9);

// The gzipped wasm, JS and CSS directly in `dir` (not its subfolders).
function bundleSizes(dir) {
  const sizes = { wasm: 0, js: 0, css: 0 };
  for (const name of readdirSync(dir)) {
    const kind = name.endsWith('_bg.wasm') ? 'wasm' : name.endsWith('.js') ? 'js' : name.endsWith('.css') ? 'css' : null;
    if (kind) sizes[kind] += gzipSync(readFileSync(join(dir, name)), { level: 9 }).length;
  }
  return { ...sizes, total: sizes.wasm + sizes.js + sizes.css };
}
// The budget is the citizen app's (dist/); the staff console (dist/staff)
// is a build of its own that only staff load, reported beside it.
const sizes = bundleSizes(dist);
const total = sizes.total;
const staff = existsSync(join(dist, 'staff')) ? bundleSizes(join(dist, 'staff')) : null;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function firstRender(page) {
  await page.goto(base + '/', { waitUntil: 'commit' });
  await page.waitForSelector('main h1', { timeout: 30_000 });
  return page.evaluate(() => performance.now());
}

const cold = [];
for (let i = 0; i < loads; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  cold.push(await firstRender(page));
  await context.close();
}
const context = await browser.newContext();
const page = await context.newPage();
await firstRender(page);
const warm = [];
for (let i = 0; i < loads; i++) warm.push(await firstRender(page));
await browser.close();

const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const ms = (x) => `${x.toFixed(0)} ms`;
const verdict = (ok) => (ok ? 'pass' : 'MISS');
console.log('| benchmark | settings | figure | target | verdict |');
console.log('|---|---|---|---|---|');
console.log(`| frontend: gzipped bundle | wasm ${kb(sizes.wasm)}, JS ${kb(sizes.js)}, CSS ${kb(sizes.css)} (gzip -9) | ${kb(total)} | < 200 KB | ${verdict(total < 200 * 1024)} |`);
if (staff) {
  console.log(`| frontend: staff console bundle (not a citizen's load) | wasm ${kb(staff.wasm)}, JS ${kb(staff.js)}, CSS ${kb(staff.css)} (gzip -9) | ${kb(staff.total)} | — | info |`);
}
console.log(`| frontend: first render of / (cold cache) | median of ${loads} loads, new context each; min ${ms(Math.min(...cold))}, max ${ms(Math.max(...cold))} | ${ms(median(cold))} | < 300 ms | ${verdict(median(cold) < 300)} |`);
console.log(`| frontend: first render of / (warm cache) | median of ${loads} reloads; min ${ms(Math.min(...warm))}, max ${ms(Math.max(...warm))} | ${ms(median(warm))} | < 300 ms | ${verdict(median(warm) < 300)} |`);
