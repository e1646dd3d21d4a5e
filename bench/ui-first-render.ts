// bench/ui-first-render: the event viewer's first render of a 1,000-event page (bench/ui's last
// number) as an A/B: checkouts side by side, their page loads interleaved in one browser, so that
// a busy machine slows both alike. Each checkout is built (`npm start`'s bundle and web/dist) and
// serves its own store of the same 20,000 unique Heroku-like lines.
//   npx tsx bench/ui-first-render.ts [loads=10] [checkout…]   (default: this checkout)
// Prints, per checkout, the median and every load: ms from search.json's last byte (Resource
// Timing responseEnd) to the first row in the page (a MutationObserver), and the response's size.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { openFirstRender, serve, stop, type Served } from './ui-serve.ts';

const LOADS = Number(process.argv[2] ?? 10);
const CHECKOUTS = process.argv.length > 3 ? process.argv.slice(3).map((d) => resolve(d)) : [new URL('../', import.meta.url).pathname];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Functions passed to page.evaluate run in the page: its globals, typed loosely (no DOM lib here).
declare const window: { __firstRowAt?: number };
declare const performance: { getEntriesByType(t: string): { name: string; responseEnd: number; encodedBodySize: number }[] };
const FIRST_ROW = `new MutationObserver((records) => {
  for (const r of records) for (const n of r.addedNodes)
    if (n instanceof HTMLElement && n.dataset.eventId && window.__firstRowAt === undefined) window.__firstRowAt = performance.now();
}).observe(document, { childList: true, subtree: true });`;

const served: (Served & { results: { ms: number; kb: number }[] })[] = [];
for (const c of CHECKOUTS) served.push({ ...(await serve(c)), results: [] });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; load ${execFileSync('cat', ['/proc/loadavg']).toString().trim()}`);
  for (let l = 0; l < LOADS; l++) {
    // Alternate which checkout goes first, so neither always follows the other.
    const order = l % 2 === 0 ? served : [...served].reverse();
    for (const s of order) {
      const { context, page } = await openFirstRender(browser, s, FIRST_ROW);
      s.results.push(
        await page.evaluate(() => {
          const res = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/v1/events/search.json'))!;
          return { ms: Math.round(window.__firstRowAt! - res.responseEnd), kb: Math.round(res.encodedBodySize / 1024) };
        }),
      );
      await context.close();
    }
  }
} finally {
  await browser.close();
  for (const s of served) await stop(s);
}
for (const s of served) {
  console.log(JSON.stringify({ checkout: s.checkout, medianMs: median(s.results.map((r) => r.ms)), responseKb: s.results[0]?.kb, loadsMs: s.results.map((r) => r.ms) }));
}
