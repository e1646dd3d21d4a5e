// bench/ui-uninstrumented: the event viewer's page load and first render as a reader's browser runs
// them, with no DevTools domain enabled in the page. Playwright (bench/ui, bench/ui-first-render)
// enables Runtime, Network and more in every page it drives; with Runtime enabled, V8 records a
// stack trace for every Error object made (React DOM makes five as it loads), collecting the source
// positions of the functions on the stack, which re-parses the whole 300 KB script during its
// evaluation (60-135 ms in traces) and roughly doubles the first render's main-thread time
// (docs/BENCHMARKS.md). Here the browser is driven by bench/cdp.ts (no domain but Page enabled in
// the page): each load a tab of its own, signed in, opened on the viewer, traced.
//   npx tsx bench/ui-uninstrumented.ts [loads=10] [checkout]   (default: this checkout)
// Per load, from the trace: first render = from search.json's last byte (the network's finishTime,
// Resource Timing's responseEnd) to the viewer's `driftwood:first-page` mark, set as soon as the
// first page is in the page; and the renderer main thread's longest task from navigation to 2 s.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { launch, signIn, type CdpPage, type TraceEvent } from './cdp.ts';
import { EMAIL, FIRST_RENDER_PATH, PASSWORD, serve, stop } from './ui-serve.ts';

const LOADS = Number(process.argv[2] ?? 10);
const CHECKOUT = resolve(process.argv[3] ?? new URL('../', import.meta.url).pathname);
const PORT = 9333;
/** BENCH_TRACE_DIR: also keep each load's trace there (load--1.json is the warm-up load), for chrome://tracing or Perfetto. */
const TRACE_DIR = process.env.BENCH_TRACE_DIR;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** First render and longest task of one page load, from its trace; undefined if it has no first page. */
function measure(events: TraceEvent[]): { firstRenderMs: number; longestTaskMs: number } | undefined {
  const data = (e: TraceEvent) => (e.args?.data ?? {}) as Record<string, unknown>;
  const send = events.find((e) => e.name === 'ResourceSendRequest' && String(data(e).url).includes('/api/v1/events/search.json'));
  const mark = events.find((e) => e.name === 'driftwood:first-page');
  if (!send || !mark) return undefined;
  const id = data(send).requestId;
  const response = events.find((e) => e.name === 'ResourceReceiveResponse' && data(e).requestId === id)!;
  const finish = events.find((e) => e.name === 'ResourceFinish' && data(e).requestId === id)!;
  // The network's times are in seconds on its own clock: place them with the request's start.
  const offset = (data(response).timing as { requestTime: number }).requestTime * 1e6 - send.ts;
  const responseEnd = (data(finish).finishTime as number) * 1e6 - offset;
  const main = (e: TraceEvent) => e.pid === send.pid && e.tid === send.tid;
  const start = Math.min(...events.filter((e) => main(e) && e.ph === 'X').map((e) => e.ts));
  const tasks = events.filter((e) => main(e) && e.name === 'RunTask' && e.ph === 'X' && e.ts <= start + 2e6);
  return { firstRenderMs: (mark.ts - responseEnd) / 1000, longestTaskMs: Math.max(0, ...tasks.map((t) => t.dur ?? 0)) / 1000 };
}

const served = await serve(CHECKOUT);
const browser = await launch(PORT);
try {
  const cookies = await signIn(served.base, EMAIL, PASSWORD);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; load ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  const results: { firstRenderMs: number; longestTaskMs: number }[] = [];
  // One load first to start the browser's processes, as a reader's browser has them.
  for (let l = -1; l < LOADS; l++) {
    let page: CdpPage | undefined;
    const events = await browser.trace(async () => {
      page = await browser.open(`${served.base}${FIRST_RENDER_PATH}`, { cookies });
      await new Promise((r) => setTimeout(r, 3000));
    });
    await page!.close();
    if (TRACE_DIR) writeFileSync(join(TRACE_DIR, `load-${l}.json`), JSON.stringify({ traceEvents: events }));
    const m = measure(events);
    if (!m) throw new Error('no first page in the trace: was the viewer signed in?');
    if (l >= 0) results.push(m);
  }
  const round = (x: number) => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify({
      checkout: CHECKOUT,
      firstRenderMedianMs: round(median(results.map((r) => r.firstRenderMs))),
      longestTaskMedianMs: round(median(results.map((r) => r.longestTaskMs))),
      firstRenderMs: results.map((r) => round(r.firstRenderMs)),
      longestTaskMs: results.map((r) => round(r.longestTaskMs)),
    }),
  );
} finally {
  await browser.close();
  await stop(served);
}
