// bench/fts-positions: one day of unique Heroku-like lines written and indexed as the server does
// (store/events.ts EventWriter in flushes of 5,000 events, store/indexer.ts FtsIndexer every 10,000
// rows), once into a day file whose index rowids are ids (made before day/0009) and once into a
// new one, whose rowids are positions (store/positions.ts); the two alternate, on the same lines.
// Reports bytes per line of the day file and of its index file, and rows/s of each step; then,
// on the last run's two stores, in-process search pages and alert counts, alternating.
//   npx tsx bench/fts-positions.ts [lines=1000000] [runs=2] [linesPerDay=10000000] [repetitions=100]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { idFloorForTime } from '../server/store/ids.ts';
import { openStore } from '../server/store/index.ts';
import { FtsIndexer } from '../server/store/indexer.ts';
import { dayOf } from '../server/store/partitions.ts';
import { oldDayFile } from '../test/helpers/old-day-file.ts'; // a pre-day/0009 day file, built from its own migrations
import { parse } from '../shared/query/parse.ts';
import { fmt, median, RARE_WORD, writeAndMeasure, type DayFigures } from './write-day.ts';

const LINES = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 2);
const PER_DAY = Number(process.argv[4] ?? 10_000_000); // arrival rate: gaps between ids as at 10M lines a day
const REPS = Number(process.argv[5] ?? 100);
const START = Date.parse('2026-05-30T00:00:00Z');
type Layout = 'ids' | 'positions';

const day = dayOf(START);

/** Writes and indexes LINES lines into a new data dir, which it returns with the figures. */
function run(layout: Layout): DayFigures & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dw-fts-pos-'));
  if (layout === 'ids') {
    // A day file that held an event before the upgrade keeps id rowids (day/0009): one line at midnight.
    const s = openStore(dir);
    s.systems.resolve('bench', '10.0.0.1', START);
    s.close();
    mkdirSync(join(dir, 'events'), { recursive: true });
    oldDayFile(7, join(dir, 'events', `${day}.sqlite`), join(dir, 'events', `${day}.fts.sqlite`), [{ id: idFloorForTime(START), systemId: 1, message: 'first' }]);
  }
  const store = openStore(dir);
  const indexer = new FtsIndexer(store.partitions);
  return { dir, ...writeAndMeasure(dir, store, { lines: LINES, perDay: PER_DAY, startMs: START, sender: () => 'bench', index: () => indexer.indexNew([day], 0) }) }; // no sealing: the rowid layouts alone (bench/sealed-blocks compares sealing)
}


console.log(`machine: ${cpus().length} × ${cpus()[0]!.model}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`${fmt(LINES)} unique lines per run, arriving as at ${fmt(PER_DAY)} a day; ${RUNS} runs per layout, alternating`);
console.log(`tmpdir ${tmpdir()}: ${execFileSync('df', ['-h', tmpdir()]).toString().split('\n')[1]}`);
const results: Record<Layout, DayFigures[]> = { ids: [], positions: [] };
const kept: Partial<Record<Layout, string>> = {};
for (let r = 0; r < RUNS; r++) {
  for (const layout of ['ids', 'positions'] as const) {
    const x = run(layout);
    results[layout].push(x);
    if (kept[layout]) rmSync(kept[layout], { recursive: true, force: true });
    kept[layout] = x.dir;
    console.log(
      `run ${r + 1} ${layout.padEnd(9)} write ${fmt(x.writeRate).padStart(7)} rows/s  index ${fmt(x.indexRate).padStart(7)} rows/s  ` +
        `day ${(x.dayBytes / LINES).toFixed(1)} B/line  index ${(x.indexBytes / LINES).toFixed(1)} B/line  raw ${(x.rawBytes / LINES).toFixed(1)} B/line`,
    );
  }
}
console.log('medians:');
for (const layout of ['ids', 'positions'] as const) {
  const xs = results[layout];
  const day = median(xs.map((x) => x.dayBytes)) / LINES;
  const idx = median(xs.map((x) => x.indexBytes)) / LINES;
  const raw = xs[0]!.rawBytes / LINES;
  console.log(
    `${layout.padEnd(9)} write ${fmt(median(xs.map((x) => x.writeRate)))} rows/s, index ${fmt(median(xs.map((x) => x.indexRate)))} rows/s; ` +
      `day ${day.toFixed(1)} + index ${idx.toFixed(1)} = ${(day + idx).toFixed(1)} B/line (${((day + idx) / raw).toFixed(2)}× raw)`,
  );
}

// Search on the last run's stores: newest-100 pages over the whole day and alert counts over its
// last hour, each query's repetitions alternating between the layouts; medians.
const stores = { ids: openStore(kept.ids!), positions: openStore(kept.positions!) };
const endId = stores.ids.windows.highestId();
const pages = [RARE_WORD, 'get', 'status=50', '"cache miss"', 'program:heroku/router status>=500'];
const counts = ['error', 'H12', 'status>=500 program:heroku/router'];
console.log(`search, in process, ${REPS} repetitions each (median ms):`);
for (const [kind, queries] of [['page', pages], ['count', counts]] as const) {
  for (const q of queries) {
    const parsed = parse(q);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const times: Record<Layout, number[]> = { ids: [], positions: [] };
    const found: Record<Layout, number> = { ids: 0, positions: 0 };
    for (let r = 0; r < REPS + 5; r++) {
      for (const layout of ['ids', 'positions'] as const) {
        const s = stores[layout];
        const filter = s.compile(parsed.ast);
        const t = performance.now();
        found[layout] =
          kind === 'page'
            ? s.searcher.page({ filter, direction: 'newest', limit: 100, deadlineMs: Infinity, now: Date.now }).events.length
            : s.windows.count(filter, endId - 3_600_000 * 1024, endId).count;
        if (r >= 5) times[layout].push(performance.now() - t); // the first few warm the caches
      }
    }
    if (found.ids !== found.positions) throw new Error(`${q}: ${found.ids} events with ids, ${found.positions} with positions`);
    console.log(`${kind.padEnd(5)} ${q.padEnd(36)} ids ${median(times.ids).toFixed(2).padStart(7)}  positions ${median(times.positions).toFixed(2).padStart(7)}  (${found.ids} events)`);
  }
}
for (const s of Object.values(stores)) s.close();
for (const dir of Object.values(kept)) rmSync(dir, { recursive: true, force: true });
