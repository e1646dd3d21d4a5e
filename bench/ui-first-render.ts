// bench/ui-first-render: the event viewer's first render of a 1,000-event page (bench/ui's last
// number) as an A/B: checkouts side by side, their page loads interleaved in one browser, so that
// a busy machine slows both alike. Each checkout is built (`npm start`'s bundle and web/dist) and
// serves its own store of the same 20,000 unique Heroku-like lines.
//   npx tsx bench/ui-first-render.ts [loads=10] [checkout…]   (default: this checkout)
// Prints, per checkout, the median and every load: ms from search.json's last byte (Resource
// Timing responseEnd) to the first row in the page (a MutationObserver), and the response's size.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { hashPassword } from '../server/security/passwords.ts';
import { openStore } from '../server/store/index.ts';
import { herokuMessage, octetFrame } from './heroku-lines.ts';
import { startCommand } from './start-command.ts';

const LOADS = Number(process.argv[2] ?? 10);
const CHECKOUTS = process.argv.length > 3 ? process.argv.slice(3).map((d) => resolve(d)) : [new URL('../', import.meta.url).pathname];
const LINES = 20_000;
const EMAIL = 'bench@example.com';
const PASSWORD = 'bench password 1234';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Functions passed to page.evaluate run in the page: its globals, typed loosely (no DOM lib here).
declare const window: { __firstRowAt?: number };
declare const performance: { getEntriesByType(t: string): { name: string; responseEnd: number; encodedBodySize: number }[] };
const FIRST_ROW = `new MutationObserver((records) => {
  for (const r of records) for (const n of r.addedNodes)
    if (n instanceof HTMLElement && n.dataset.eventId && window.__firstRowAt === undefined) window.__firstRowAt = performance.now();
}).observe(document, { childList: true, subtree: true });`;

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => res(p));
    });
  });
}

interface Served {
  checkout: string;
  base: string;
  child: ChildProcess;
  dataDir: string;
  results: { ms: number; kb: number }[];
}

async function serve(checkout: string): Promise<Served> {
  execFileSync(process.execPath, ['--import', 'tsx', join(checkout, 'server/build.ts')], { cwd: checkout, stdio: 'ignore' });
  execFileSync(process.execPath, [join(checkout, 'node_modules/vite/bin/vite.js'), 'build', join(checkout, 'web'), '--logLevel', 'error'], { cwd: checkout, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  const dataDir = mkdtempSync(join(tmpdir(), 'driftwood-bench-first-render-'));
  const store = openStore(dataDir);
  store.users.create(EMAIL, 'admin', await hashPassword(PASSWORD), Date.now());
  const token = store.drains.create('bench-app', Date.now()).token;
  store.close();
  const port = await freePort();
  const start = startCommand(); // as `npm start` runs it (this checkout's script, for every checkout compared)
  const child = spawn(process.execPath, [...start.nodeArgs, join(checkout, 'server/dist/main.js'), 'serve'], {
    env: { ...start.env, ...process.env, DRIFTWOOD_DATA_DIR: dataDir, DRIFTWOOD_HTTP_HOST: '127.0.0.1', DRIFTWOOD_HTTP_PORT: String(port), DRIFTWOOD_SYSLOG_PORT: '0' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((res) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('running at') && res()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < LINES; i += 500) {
    const body = Array.from({ length: 500 }, (_, j) => octetFrame(`${herokuMessage(1e7 + i + j)} firstrender`)).join('');
    const res = await fetch(`${base}/drains/${token}`, { method: 'POST', headers: { 'content-type': 'application/logplex-1' }, body });
    if (res.status !== 204) throw new Error(`drain: ${res.status}`);
  }
  return { checkout, base, child, dataDir, results: [] };
}

const served: Served[] = [];
for (const c of CHECKOUTS) served.push(await serve(c));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; load ${execFileSync('cat', ['/proc/loadavg']).toString().trim()}`);
  for (let l = 0; l < LOADS; l++) {
    // Alternate which checkout goes first, so neither always follows the other.
    const order = l % 2 === 0 ? served : [...served].reverse();
    for (const s of order) {
      const context = await browser.newContext({ baseURL: s.base, viewport: { width: 1280, height: 800 } });
      await context.addInitScript(FIRST_ROW);
      await context.request.post('/api/v1/session', { data: { email: EMAIL, password: PASSWORD } });
      const page = await context.newPage();
      await page.goto('/events?q=firstrender');
      await page.locator('[data-event-id]').first().waitFor();
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
  for (const s of served) {
    s.child.kill('SIGTERM');
    await new Promise((r) => s.child.once('exit', r));
    rmSync(s.dataDir, { recursive: true, force: true });
  }
}
for (const s of served) {
  console.log(JSON.stringify({ checkout: s.checkout, medianMs: median(s.results.map((r) => r.ms)), responseKb: s.results[0]?.kb, loadsMs: s.results.map((r) => r.ms) }));
}
