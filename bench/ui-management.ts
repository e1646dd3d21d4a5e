// bench/ui-management: the management screens in Chromium (issue 12). Seeds a server with 500 saved
// searches, each with a 1-minute alert and an hour of its runs, and 2,000 systems, then measures
//  - /searches: from the overview response's last byte to the frame that shows all 500 rows, and
//  - /systems: the longest task (PerformanceObserver 'longtask') while it loads, filters, sorts and
//    scrolls through 2,000 systems.
// Baseline in the same run: the same measurements with 10 searches / 10 systems on a second server.
//   npx tsx bench/ui-management.ts [repetitions=5]     (needs Debian's chromium; builds web/dist)
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { loadConfig } from '../server/config.ts';
import { startServer, type RunningServer } from '../server/main.ts';
import { hashPassword } from '../server/security/passwords.ts';
import type { RunCommit } from '../server/store/alerts.ts';
import type { NewEvent } from '../server/store/types.ts';
import { launchBrowser } from '../test/helpers/browser.ts';
import { freePort } from '../test/helpers/server.ts';
import { tmpDir } from '../test/helpers/tmp.ts';

const REPS = Number(process.argv[2] ?? 5);
const PASSWORD = 'bench password for the ui';
const WORDS = ['error', 'timeout', 'H12', 'payment', 'session', 'cache', 'login', 'status=500', 'GET', 'POST'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Runs in the page before its scripts: when the overview's body has arrived, the long tasks, and
// the frame at which the searches table shows its rows. (Text, not a function: tsx's
// keepNames would put a __name helper in it that the page lacks.)
const INSTRUMENT = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const text = Response.prototype.text;
  Response.prototype.text = function () {
    const p = text.call(this);
    if (this.url.includes('/searches/overview.json')) p.then(() => (window.__dataAt = performance.now()));
    if (this.url.includes('/systems.json')) p.then(() => (window.__systemsAt = performance.now()));
    return p;
  };
  window.__rowsAt = (n) => new Promise((resolve) => {
    // The table draws the rows in view: done when it holds all n (aria-rowcount) and shows its first rows.
    const check = () => {
      const t = document.querySelector('table[aria-label="Saved searches"]');
      const ok = t && Number(t.getAttribute('aria-rowcount')) === n + 1 && t.querySelectorAll('tbody tr[data-index]').length >= Math.min(n, 10);
      ok ? resolve(performance.now()) : requestAnimationFrame(check);
    };
    check();
  });
  window.__longestSince = (t) => Math.max(0, ...window.__longTasks.filter((x) => x.start + x.duration >= t).map((x) => x.duration));
`;
declare const window: any;

async function seed(searches: number, systems: number): Promise<{ server: RunningServer; base: string; close(): Promise<void> }> {
  const dir = tmpDir();
  const port = await freePort();
  const loaded = loadConfig({ DRIFTWOOD_DATA_DIR: dir.path, DRIFTWOOD_HTTP_HOST: '127.0.0.1', DRIFTWOOD_HTTP_PORT: String(port), DRIFTWOOD_SYSLOG_PORT: '0', DRIFTWOOD_PUBLIC_URL: `http://127.0.0.1:${port}` }, []);
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const quiet = { info() {}, warn() {}, error: (m: string) => console.error(m) };
  const server = await startServer(loaded.config, quiet, { alerts: { tick: false } });
  const store = server.store;
  const now = Date.now();
  store.users.create('bench@example.test', 'admin', await hashPassword(PASSWORD), now);
  // Systems: each sent a line at some time in the last day, so some are quiet.
  const events: NewEvent[] = [];
  for (let i = 0; i < systems; i++) {
    events.push({ receivedMs: now - ((i * 7919) % 86_400_000), sourceIp: `10.0.${i >> 8}.${i & 255}`, systemName: `host-${String(i).padStart(4, '0')}`, hostname: `host-${i}`, program: 'app', severity: 6, facility: 23, generatedAt: null, message: `hello from host ${i}`, fields: {}, flags: [] });
  }
  await server.pipeline.submit(events, 'bench');
  for (let s = 0; s < searches; s++) {
    const search = store.searches.create({ name: `search ${s} ${WORDS[s % WORDS.length]}`, query: `${WORDS[s % WORDS.length]} host-${s % 20}`, group_id: null }, now - 3_600_000);
    store.alerts.create({ search_id: search.id, frequency: '1m', condition: { type: 'at_least', count: 1 + (s % 3) }, email_to: ['ops@example.test'], webhook_url: null, webhook_counts_only: false, timezone: 'UTC', enabled: true }, { lastId: 0, nowMs: now - 3_600_000 });
  }
  // An hour of minute rounds for every alert, as the scheduler commits them (sparklines, last run, state).
  const alerts = store.alerts.list();
  for (let m = 1; m <= 60; m++) {
    const ranMs = now - 3_600_000 + m * 60_000;
    const commits: RunCommit[] = alerts.map((a) => {
      const matched = (a.id * 7 + m) % 5;
      return { run: { alert_id: a.id, kind: 'scheduled', ran_ms: ranMs, after_id: m - 1, through_id: m, since_ms: ranMs - 60_000, late: false, query: 'x', group_id: null, matched, fired: matched > 0, error: null }, deliveries: matched > 0 ? [{ channel: 'email', status: 'sent', attempts: 1, next_ms: null, detail: '250 OK' }] : [], advance: true };
    });
    store.alerts.commitRuns(commits);
  }
  return {
    server,
    base: `http://127.0.0.1:${port}`,
    async close() {
      await server.close();
      dir.cleanup();
    },
  };
}

async function measure(base: string, searches: number, systems: number): Promise<{ render: number[]; searchesTask: number[]; systemsTask: number[] }> {
  const browser = await launchBrowser();
  const out = { render: [] as number[], searchesTask: [] as number[], systemsTask: [] as number[] };
  try {
    for (let r = 0; r < REPS; r++) {
      const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
      await context.addInitScript(INSTRUMENT);
      const res = await context.request.post('/api/v1/session', { data: { email: 'bench@example.test', password: PASSWORD } });
      if (!res.ok()) throw new Error(`sign in: ${res.status()}`);
      const page: Page = await context.newPage();
      await page.goto('/searches');
      const rowsAt = await page.evaluate((n) => window.__rowsAt(n), searches);
      const dataAt = await page.evaluate(() => window.__dataAt);
      out.render.push(rowsAt - dataAt);
      out.searchesTask.push(await page.evaluate((t) => window.__longestSince(t), dataAt));

      await page.goto('/systems');
      const table = page.getByRole('table', { name: 'Systems' });
      await table.locator('tbody tr a').first().waitFor();
      const systemsAt = await page.evaluate(() => window.__systemsAt);
      // What an operator does: filter, clear, sort both ways, scroll to the end and back.
      const filter = page.getByRole('searchbox', { name: 'Filter systems' });
      await filter.pressSequentially('host-1', { delay: 30 });
      await filter.fill('');
      await page.getByRole('button', { name: /^Name/ }).click();
      await page.getByRole('button', { name: /^Last seen/ }).click();
      for (let i = 1; i <= 10; i++) {
        await page.locator('.table-scroll').evaluate((el: any, f) => el.scrollTo({ top: el.scrollHeight * f }), i / 10);
        await page.waitForTimeout(50);
      }
      await page.locator('.table-scroll').evaluate((el: any) => el.scrollTo({ top: 0 }));
      await page.waitForTimeout(300);
      if ((await table.locator('tbody tr a').count()) === 0 || systems === 0) throw new Error('systems table is empty');
      out.systemsTask.push(await page.evaluate((t) => window.__longestSince(t), systemsAt));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return out;
}

execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', 'web', '--logLevel', 'error'], { cwd: fileURLToPath(new URL('../', import.meta.url)), stdio: 'inherit' });
console.log(`machine: ${cpus().length}× ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GB; Chromium headless; ${REPS} runs each, median (min–max)`);
for (const [searches, systems] of [[10, 10], [500, 2000]] as const) {
  const s = await seed(searches, systems);
  try {
    const m = await measure(s.base, searches, systems);
    const fmt = (xs: number[]) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
    console.log(`${searches} searches: rows shown ${fmt(m.render)} after the data; longest task after the data ${fmt(m.searchesTask)}`);
    console.log(`${systems} systems: longest task after the data while filtering, sorting, scrolling ${fmt(m.systemsTask)}`);
  } finally {
    await s.close();
  }
}
process.exit(0);
