// bench/ui: the event viewer in headless Chromium against a real `driftwood serve` (the bundle
// `npm start` runs), on unique Heroku-like lines.
//   npx tsx bench/ui.ts [tailSeconds=60] [rate=2000] [runs=1]
// 1. Live tail: a drain sends `rate` lines/s in 100-line bodies for `tailSeconds` while the viewer
//    follows. Reports ack → on screen (p50/p99: from the drain's 204 to the batch's last line
//    mounted in the page), the longest main-thread task (PerformanceObserver "longtask") and the
//    JS heap at the end.
// 2. A search with 20,000 matches, scrolled from the newest to the oldest (scroll back pages):
//    longest task while scrolling, and the first render of a 1,000-event page after its response
//    (the median of FIRST_RENDER_LOADS pages opened on it).
// 3. Loading the page: the longest task of each load (the tail's page and the search's pages, each
//    measured until a second after its first row), and their maximum.
// Also: the initial JS of the page, gzipped. Baseline in the same run: an empty page's longest
// task and heap (what the browser itself costs here).
// The browser is driven as a reader's is, with no DevTools domain enabled in its pages (bench/cdp.ts),
// each page in a browser context of its own: Playwright's Runtime domain made V8 re-parse the bundle
// while it loaded (docs/BENCHMARKS.md, "What Playwright adds"). BENCH_DRIVER=playwright: under
// Playwright instead, as up to round 2's 11th session.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { launch, pollUntil, signIn, type CdpPage } from './cdp.ts';
import { hashPassword } from '../server/security/passwords.ts';
import { openStore } from '../server/store/index.ts';
import { herokuMessage, octetFrame, resetSeed } from './heroku-lines.ts';
import { startCommand } from './start-command.ts';
import { scrollToBeginning } from './ui-serve.ts';

const TAIL_SECONDS = Number(process.argv[2] ?? 60);
const RATE = Number(process.argv[3] ?? 2000);
const RUNS = Number(process.argv[4] ?? 1);
/** Pages opened on the 20,000-match search, each a first render (their median is reported). */
const FIRST_RENDER_LOADS = 5;
const LINES_PER_BODY = 100;
const SCROLL_LINES = 20_000;
/**
 * BENCH_TRACE=prefix: a Chromium trace of each run's scroll phase, written to prefix-scroll-N.json,
 * with V8's sampling profiler in it: tracing slows the page, so such a run's figures are for
 * reading its trace, not for reporting.
 */
const TRACE = process.env.BENCH_TRACE;
const DRIVER = process.env.BENCH_DRIVER === 'playwright' ? 'playwright' : 'reader';
const TRACE_CATEGORIES = ['disabled-by-default-v8.cpu_profiler', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'disabled-by-default-v8.gc', 'blink.user_timing'];
const ROOT = new URL('../', import.meta.url).pathname;
const BIN = join(ROOT, 'server/dist/main.js');
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]! : NaN);
const median = (xs: number[]) => pct(xs, 50);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const start = startCommand(); // as `npm start` runs it
  const child = spawn(process.execPath, [...start.nodeArgs, BIN, 'serve'], {
    env: { ...start.env, ...process.env, DRIFTWOOD_DATA_DIR: dataDir, DRIFTWOOD_HTTP_HOST: '127.0.0.1', DRIFTWOOD_HTTP_PORT: String(port), DRIFTWOOD_SYSLOG_PORT: '0' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('running at') && resolve()));
  return child;
}

/** In the page before any script: long tasks, and when rows carrying a batch marker mount. */
const INSTRUMENT = `
  window.__longtasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  window.__seen = {};
  window.__firstRowAt = undefined;
  new MutationObserver((records) => {
    const now = Date.now();
    for (const r of records) for (const n of r.addedNodes) {
      if (!(n instanceof HTMLElement) || !n.dataset.eventId) continue;
      if (window.__firstRowAt === undefined) window.__firstRowAt = performance.now();
      const m = /ack_batch=(\\d+)/.exec(n.textContent || '');
      if (m && !(m[1] in window.__seen)) window.__seen[m[1]] = now;
    }
  }).observe(document, { childList: true, subtree: true });
`;

/** The browser the bench drives: a reader's (bench/cdp.ts), or Playwright's (BENCH_DRIVER=playwright). */
interface BenchBrowser {
  /** A page at `url` in a signed-in browser context of its own, INSTRUMENT run before its scripts. */
  open(url: string): Promise<CdpPage>;
  /** The browser-wide trace of `during` (BENCH_TRACE); undefined under Playwright. */
  trace?(during: () => Promise<void>, categories: string[]): Promise<unknown[]>;
  close(): Promise<void>;
}

async function readerBrowser(base: string, email: string, password: string): Promise<BenchBrowser> {
  const browser = await launch();
  const cookies = await signIn(base, email, password);
  return { open: (url) => browser.open(url, { initScript: INSTRUMENT, cookies }), trace: (during, categories) => browser.trace(during, categories), close: () => browser.close() };
}

async function playwrightBrowser(base: string, email: string, password: string): Promise<BenchBrowser> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  return {
    async open(url) {
      const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
      await context.addInitScript(INSTRUMENT);
      await context.request.post('/api/v1/session', { data: { email, password } });
      const page: Page = await context.newPage();
      await page.goto(url);
      return {
        evaluate: (expression) => page.evaluate(expression),
        // Not page.waitForFunction: it evals the string in the page, which the viewer's CSP forbids.
        waitFor: (expression, timeoutMs) => pollUntil((e) => page.evaluate(e), expression, timeoutMs),
        async heapMb() {
          const cdp = await context.newCDPSession(page);
          await cdp.send('Performance.enable');
          await cdp.send('HeapProfiler.collectGarbage');
          const { metrics } = await cdp.send('Performance.getMetrics');
          return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 1e6;
        },
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

const longest = (page: CdpPage) => page.evaluate<number>('Math.max(0, ...window.__longtasks)');
const resetLongest = (page: CdpPage) => page.evaluate('void (window.__longtasks = [])');

async function postBody(url: string, lines: string[]): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/logplex-1', 'logplex-msg-count': String(lines.length) }, body: lines.map(octetFrame).join('') });
  if (res.status !== 204) throw new Error(`drain: ${res.status}`);
  return Date.now();
}

async function once(run: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'driftwood-bench-ui-'));
  const email = 'bench@example.com';
  const password = 'bench password 1234';
  const store = openStore(dataDir);
  store.users.create(email, 'admin', await hashPassword(password), Date.now());
  const drainToken = store.drains.create('bench-app', Date.now()).token;
  store.close();
  const port = await freePort();
  const server = await startServer(dataDir, port);
  const base = `http://127.0.0.1:${port}`;
  const drainUrl = `${base}/drains/${drainToken}`;
  const browser = await (DRIVER === 'playwright' ? playwrightBrowser : readerBrowser)(base, email, password);
  try {
    // Baseline: an empty page in the same browser.
    const blank = await browser.open(`${base}/healthz`);
    await new Promise((r) => setTimeout(r, 1000));
    const baseline = { longestMs: await longest(blank), heapMb: await blank.heapMb() };
    await blank.close();

    // 1. Live tail at RATE lines/s.
    const page = await browser.open(`${base}/events`);
    await page.waitFor(`document.querySelector('button[aria-label="Pause"]')`);
    await new Promise((r) => setTimeout(r, 1000));
    // Loading the page (script evaluation, first render) is measured separately: count the tail only.
    const loadLongestTaskMs = await longest(page);
    await resetLongest(page);
    resetSeed(run + 1);
    const acks = new Map<number, number>();
    const started = Date.now();
    let batch = 0;
    const inflight: Promise<void>[] = [];
    while (Date.now() - started < TAIL_SECONDS * 1000) {
      const due = started + (batch * LINES_PER_BODY * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const b = batch++;
      const lines = Array.from({ length: LINES_PER_BODY }, (_, i) => `${herokuMessage(b * LINES_PER_BODY + i)}${i === LINES_PER_BODY - 1 ? ` ack_batch=${b}` : ''}`);
      inflight.push(postBody(drainUrl, lines).then((t) => void acks.set(b, t)));
      if (inflight.length > 16) await inflight.shift();
    }
    await Promise.all(inflight);
    await new Promise((r) => setTimeout(r, 2000));
    const seen = await page.evaluate<Record<string, number>>('window.__seen');
    // A batch is on screen when its last line or a later batch's mounts: the list follows the
    // bottom, so batches that arrive in one flush scroll past within the same frame.
    const onScreen = new Map<number, number>();
    let earliest = Infinity;
    for (let b = batch - 1; b >= 0; b--) {
      if (seen[b] !== undefined) earliest = Math.min(earliest, seen[b]!);
      onScreen.set(b, earliest);
    }
    const latencies = [...acks].map(([b, ack]) => Math.max(0, onScreen.get(b)! - ack));
    const missing = latencies.filter((l) => l === Infinity).length;
    const tail = {
      sentLines: batch * LINES_PER_BODY,
      sentPerSecond: Math.round((batch * LINES_PER_BODY) / TAIL_SECONDS),
      p50Ms: pct(latencies, 50),
      p99Ms: pct(latencies, 99),
      notSeenBatches: missing,
      longestTaskMs: await longest(page),
      loadLongestTaskMs,
      heapMb: await page.heapMb(),
      loaded: (await page.evaluate<string | null>(`document.querySelector('.statusbar')?.textContent ?? null`))?.match(/([\d,]+) loaded/)?.[1],
    };
    await page.close();

    // 2. A 20,000-match search scrolled from the newest to the oldest.
    const marker = `scrollbench${run}`;
    for (let i = 0; i < SCROLL_LINES; i += 500) {
      await postBody(drainUrl, Array.from({ length: 500 }, (_, j) => `${herokuMessage(1e7 + i + j)} ${marker}`));
    }
    // The first render of the 1,000-event page, in FIRST_RENDER_LOADS pages (one is a single sample
    // of a noisy 2-core VM); the last page is the one scrolled.
    const firstRenders: number[] = [];
    const loadLongestTasks = [tail.loadLongestTaskMs];
    let scroll!: CdpPage;
    for (let l = 0; l < FIRST_RENDER_LOADS; l++) {
      if (l > 0) await scroll.close();
      scroll = await browser.open(`${base}/events?q=${marker}`);
      await scroll.waitFor(`document.querySelector('[data-event-id]')`);
      firstRenders.push(
        await scroll.evaluate<number>(`window.__firstRowAt - performance.getEntriesByType('resource').find((e) => e.name.includes('/api/v1/events/search.json')).responseEnd`),
      );
      // The load's tasks too, a second after its first row (as the tail's page is measured).
      await new Promise((r) => setTimeout(r, 1000));
      loadLongestTasks.push(await longest(scroll));
    }
    const firstRender = median(firstRenders);
    await resetLongest(scroll);
    const scrollStarted = Date.now();
    let reached = false;
    if (TRACE && browser.trace) {
      const events = await browser.trace(async () => void (reached = await scrollToBeginning(scroll)), TRACE_CATEGORIES);
      writeFileSync(`${TRACE}-scroll-${run}.json`, JSON.stringify({ traceEvents: events }));
    } else reached = await scrollToBeginning(scroll);
    const scrollResult = { reachedFirst: reached, seconds: (Date.now() - scrollStarted) / 1000, longestTaskMs: await longest(scroll), firstRenderMs: firstRender, firstRenderLoadsMs: firstRenders.map(Math.round), heapMb: await scroll.heapMb() };
    // Every page load of the run: the tail's page, then the search's FIRST_RENDER_LOADS.
    const load = { longestTaskMs: Math.max(...loadLongestTasks), longestTaskPerLoadMs: loadLongestTasks.map(Math.round) };
    return { baseline, tail, scroll: scrollResult, load };
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'server/build.ts')], { stdio: 'inherit' });
execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', join(ROOT, 'web'), '--logLevel', 'error'], { stdio: 'inherit' });
const assets = join(ROOT, 'web/dist/assets');
// The page's initial JS is what index.html loads (its module script and the chunks that script
// imports, which it preloads); other chunks (uPlot, the time parser, the management screens) load on use.
const gzipKb = (files: string[]) => files.reduce((n, f) => n + gzipSync(readFileSync(join(assets, f))).length, 0) / 1024;
const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
const html = readFileSync(join(ROOT, 'web/dist/index.html'), 'utf8');
const initial = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]!));
const jsGzipKb = gzipKb(scripts.filter((f) => initial.has(f)));
const lazyGzipKb = gzipKb(scripts.filter((f) => !initial.has(f)));
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; chromium ${execFileSync('/usr/bin/chromium', ['--version']).toString().trim()}`);
console.log(`initial JS: ${jsGzipKb.toFixed(1)} KB gzipped (+ ${lazyGzipKb.toFixed(1)} KB loaded on use)`);
const results = [];
for (let r = 0; r < RUNS; r++) {
  const res = await once(r);
  console.log(JSON.stringify(res));
  results.push(res);
}
if (RUNS > 1) {
  console.log(
    JSON.stringify({
      median: {
        p50Ms: median(results.map((r) => r.tail.p50Ms)),
        p99Ms: median(results.map((r) => r.tail.p99Ms)),
        tailLongestTaskMs: median(results.map((r) => r.tail.longestTaskMs)),
        tailHeapMb: median(results.map((r) => r.tail.heapMb)),
        scrollLongestTaskMs: median(results.map((r) => r.scroll.longestTaskMs)),
        firstRenderMs: median(results.map((r) => r.scroll.firstRenderMs)),
        loadLongestTaskMs: median(results.map((r) => r.load.longestTaskMs)),
      },
    }),
  );
}
