// bench/sealed-blocks: one day of unique Heroku-like lines written and indexed as the server does
// (EventWriter in flushes of 5,000 events, FtsIndexer every 10,000 rows), once keeping every event
// a row (as before day/0010) and once sealing indexed events into blocks as the index thread does
// (store/sealer.ts); the two alternate, on the same lines. Reports bytes per line of the day file
// and its index, rows/s of writing and of indexing (with sealing), then, on the last run's two
// stores, in process and alternating: search pages, alert counts, a facets-sized read, verify.
//   npx tsx bench/sealed-blocks.ts [lines=1000000] [runs=2] [linesPerDay=10000000] [repetitions=50]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../server/store/index.ts';
import { FtsIndexer } from '../server/store/indexer.ts';
import { dayOf } from '../server/store/partitions.ts';
import { verifyStore } from '../server/store/verify.ts';
import { parse } from '../shared/query/parse.ts';
import { fmt, median, RARE_WORD, writeAndMeasure } from './write-day.ts';

const LINES = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 2);
const PER_DAY = Number(process.argv[4] ?? 10_000_000);
const REPS = Number(process.argv[5] ?? 50);
const START = Date.parse('2026-05-30T00:00:00Z');
const LAYOUTS = ['rows', 'sealed'] as const;
type Layout = (typeof LAYOUTS)[number];

const day = dayOf(START);

function run(layout: Layout) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-sealed-'));
  const store = openStore(dir);
  const indexer = new FtsIndexer(store.partitions);
  return { dir, ...writeAndMeasure(dir, store, { lines: LINES, perDay: PER_DAY, startMs: START, sender: (k) => `app-${k % 20}`, index: () => indexer.indexNew([day], layout === 'sealed' ? Infinity : 0) }) };
}


console.log(`machine: ${cpus().length} × ${cpus()[0]!.model}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`${fmt(LINES)} unique lines per run, arriving as at ${fmt(PER_DAY)} a day; ${RUNS} runs per layout, alternating`);
const results: Record<Layout, ReturnType<typeof run>[]> = { rows: [], sealed: [] };
const kept: Partial<Record<Layout, string>> = {};
for (let r = 0; r < RUNS; r++) {
  for (const layout of LAYOUTS) {
    const x = run(layout);
    results[layout].push(x);
    if (kept[layout]) rmSync(kept[layout], { recursive: true, force: true });
    kept[layout] = x.dir;
    console.log(`run ${r + 1} ${layout.padEnd(6)} write ${fmt(x.writeRate).padStart(7)} rows/s  index ${fmt(x.indexRate).padStart(7)} rows/s  day ${(x.dayBytes / LINES).toFixed(1)} B/line  index ${(x.indexBytes / LINES).toFixed(1)} B/line  raw ${(x.rawBytes / LINES).toFixed(1)} B/line`);
  }
}
console.log('medians:');
for (const layout of LAYOUTS) {
  const xs = results[layout];
  const dayB = median(xs.map((x) => x.dayBytes)) / LINES;
  const idx = median(xs.map((x) => x.indexBytes)) / LINES;
  console.log(`${layout.padEnd(6)} write ${fmt(median(xs.map((x) => x.writeRate)))} rows/s, index${layout === 'sealed' ? ' and seal' : ''} ${fmt(median(xs.map((x) => x.indexRate)))} rows/s; day ${dayB.toFixed(1)} + index ${idx.toFixed(1)} = ${(dayB + idx).toFixed(1)} B/line (${((dayB + idx) / (xs[0]!.rawBytes / LINES)).toFixed(2)}× raw)`);
}

// The last run's stores: each query's repetitions alternate between the layouts; medians.
const stores: Record<Layout, Store> = { rows: openStore(kept.rows!), sealed: openStore(kept.sealed!) };
const endId = stores.rows.windows.highestId();
const HOUR_IDS = 3_600_000 * 1024;
const pages = [RARE_WORD, 'get', 'status=50', '"cache miss"', 'program:heroku/router status>=500', 'sender:app-3 get'];
const counts = ['error', 'H12', 'status>=500 program:heroku/router'];
type Probe = { kind: string; q: string; measure: (s: Store) => number };
const probe = (kind: string, q: string, measure: (s: Store, ast: ReturnType<typeof compileOf>) => number): Probe => ({ kind, q, measure: (s) => measure(s, compileOf(s, q)) });
const compileOf = (s: Store, q: string) => {
  const parsed = parse(q);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return s.compile(parsed.ast);
};
const probes: Probe[] = [
  ...pages.map((q) => probe('page', q, (s, filter) => s.searcher.page({ filter, direction: 'newest', limit: 100, deadlineMs: Infinity, now: Date.now }).events.length)),
  ...counts.map((q) => probe('count', q, (s, filter) => s.windows.count(filter, endId - HOUR_IDS, endId).count)),
  probe('rows', '(newest 20,000, as facets read)', (s) => s.searcher.rows({ filter: compileOf(s, 'get'), direction: 'newest', limit: 20_000, deadlineMs: Infinity, now: Date.now }).rows.length),
];
console.log(`in process, ${REPS} repetitions each after 5 to warm (median ms):`);
for (const p of probes) {
  const times: Record<Layout, number[]> = { rows: [], sealed: [] };
  const found: Record<Layout, number> = { rows: 0, sealed: 0 };
  for (let r = 0; r < REPS + 5; r++) {
    for (const layout of LAYOUTS) {
      const t = performance.now();
      found[layout] = p.measure(stores[layout]);
      if (r >= 5) times[layout].push(performance.now() - t);
    }
  }
  if (found.rows !== found.sealed) throw new Error(`${p.q}: ${found.rows} events as rows, ${found.sealed} sealed`);
  console.log(`${p.kind.padEnd(5)} ${(p.kind === 'rows' ? 'get ' : '') + p.q.padEnd(36)} rows ${median(times.rows).toFixed(2).padStart(8)}  sealed ${median(times.sealed).toFixed(2).padStart(8)}  (${found.rows})`);
}
for (let r = 0; r < 3; r++) {
  const line: string[] = [];
  for (const layout of LAYOUTS) {
    const t = performance.now();
    const report = verifyStore(stores[layout].partitions);
    if (report.problem) throw new Error(`verify ${layout}: ${JSON.stringify(report.problem)}`);
    line.push(`${layout} ${fmt(report.events / ((performance.now() - t) / 1000))} events/s`);
  }
  console.log(`verify run ${r + 1}: ${line.join(', ')}`);
}
for (const s of Object.values(stores)) s.close();
for (const dir of Object.values(kept)) rmSync(dir, { recursive: true, force: true });
