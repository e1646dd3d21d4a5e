// bench/ui-scroll: scrolling back through 20,000 matches in the event viewer (bench/ui's phase 2)
// as an A/B: checkouts side by side, their runs interleaved in one browser, so that a busy machine
// slows each alike. Each checkout is built and serves its own store (bench/ui-serve.ts).
//   npx tsx bench/ui-scroll.ts [runs=5] [checkout…]   (default: this checkout)
//   BENCH_TRACE=prefix keeps each run's trace as prefix-<checkout's index>-<run>.json.
// A run opens the search, and as soon as its first row is on screen scrolls up 4,000 px every 30 ms
// (as bench/ui does) until "Beginning of the results". Reported per checkout, medians of the runs:
// the longest task (PerformanceObserver "longtask": wall time, 0 when none reached 50 ms), and from
// a Chromium trace of the run the renderer main thread's CPU time over all its tasks, and the most
// CPU time one task took. Wall time on
// a 2-core VM includes waiting for a core; the CPU time is what the page's code costs.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { openFirstRender, scrollToBeginning, serve, stop, type Served } from './ui-serve.ts';

const RUNS = Number(process.argv[2] ?? 5);
const CHECKOUTS = process.argv.length > 3 ? process.argv.slice(3).map((d) => resolve(d)) : [new URL('../', import.meta.url).pathname];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Functions passed to page.evaluate run in the page: its globals, typed loosely (no DOM lib here).
declare const window: { __longtasks: number[] };
const LONG_TASKS = `window.__longtasks = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });`;

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** The renderer main thread's top-level tasks in a trace: wall and CPU ms each. */
function rendererTasks(trace: Buffer): { wall: number; cpu: number }[] {
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return events.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && main.has(`${e.pid}:${e.tid}`)).map((e) => ({ wall: (e.dur ?? 0) / 1000, cpu: (e.tdur ?? 0) / 1000 }));
}

interface Run {
  longestWall: number;
  cpuTotal: number;
  longestCpu: number;
  seconds: number;
}

const served: (Served & { runs: Run[] })[] = [];
for (const c of CHECKOUTS) served.push({ ...(await serve(c)), runs: [] });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; load ${execFileSync('cat', ['/proc/loadavg']).toString().trim()}`);
  for (let r = 0; r < RUNS; r++) {
    for (const s of r % 2 === 0 ? served : [...served].reverse()) {
      const { context, page } = await openFirstRender(browser, s, LONG_TASKS);
      await page.evaluate(() => (window.__longtasks = []));
      await browser.startTracing(page, { categories: ['devtools.timeline', 'toplevel'] });
      const started = Date.now();
      if (!(await scrollToBeginning(page))) throw new Error(`${s.checkout}: the beginning was not reached`);
      const seconds = (Date.now() - started) / 1000;
      const trace = await browser.stopTracing();
      if (process.env.BENCH_TRACE) writeFileSync(`${process.env.BENCH_TRACE}-${served.indexOf(s)}-${r}.json`, trace);
      const tasks = rendererTasks(trace);
      s.runs.push({ longestWall: Math.max(0, ...(await page.evaluate(() => window.__longtasks))), cpuTotal: tasks.reduce((n, t) => n + t.cpu, 0), longestCpu: Math.max(0, ...tasks.map((t) => t.cpu)), seconds });
      await context.close();
    }
  }
  for (const s of served) {
    const m = (k: keyof Run) => median(s.runs.map((x) => x[k])).toFixed(1);
    console.log(`${s.checkout}: longest task ${m('longestWall')} ms wall (runs: ${s.runs.map((x) => Math.round(x.longestWall)).join(' ')}); most CPU in one task ${m('longestCpu')} ms (runs: ${s.runs.map((x) => Math.round(x.longestCpu)).join(' ')}); main-thread CPU while scrolling ${m('cpuTotal')} ms in ${m('seconds')} s`);
  }
} finally {
  await browser.close();
  for (const s of served) await stop(s);
}
