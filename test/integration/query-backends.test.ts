// DESIGN 5: one query, two back ends. The SQL compiler (search, alert counts) and the in-memory
// matcher (live tail) must return the same events for any query, over every layout of the
// full-text index that a data directory may hold (store/positions.ts).
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Event } from '../../shared/event.ts';
import type { QueryNode } from '../../shared/query/ast.ts';
import { compileMatcher } from '../../shared/query/match.ts';
import { parse } from '../../shared/query/parse.ts';
import { print } from '../../shared/query/print.ts';
import { EventWriter } from '../../server/store/events.ts';
import { idFloorForTime, timeOfId } from '../../server/store/ids.ts';
import { openStore, type Store } from '../../server/store/index.ts';
import { dayOf, hasInlineIndex } from '../../server/store/partitions.ts';
import { ftsRowids } from '../../server/store/positions.ts';
import { sealDay } from '../../server/store/sealer.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { oldDayFile } from '../helpers/old-day-file.ts';
import { tmpDir } from '../helpers/tmp.ts';

const at = { start: 0, end: 0 };
const WORDS = ['error', 'Error:', 'TypeError', 'timeout', 'status=502', 'status=200', 'GET', '/api/v1/users', '10.1.2.3', 'at=error',
  'code=H12', 'ünïcode', 'ops@example.com', 'service=30000ms', 'service=12ms', 'bytes=0', 'WARNING', '"quoted text"', 'db', 'héllo',
  // Colours (Rails, `heroku local`): matched as shown, the escape codes left out (shared/escapes.ts).
  '\u001b[36mInvoice\u001b[0m', '\u001b[1;31mERROR\u001b[0m:', 'paid\u001b]0;title\u0007',
  // The Kelvin sign, which JavaScript lower-cases to an ASCII k (store/compile.ts mayContain), and
  // LIKE's wildcards. (U+0130 İ is left out: FTS5's unicode61 folds it unlike JavaScript's i̇.)
  '\u212Aelvin', '50%_off', 'back\\slash'];
const FRAGMENTS = ['err', 'error', 'rror', 'status=50', 'status=5', '10.1.2', '10.1', 'api/v1', '/api', 'h12', 'code=h', 'ünï',
  'ops@example', 'timeout db', 'db', 'typeerror', 'quoted text', '"quoted', 'web', 'web-1', 'router', 'app/web', '=502', 'hé', 'get /api',
  'invoice', 'invoice paid', 'error: paid', '36minvoice', 'title', 'kelvin', '50%', '%_o', '_off', 'back\\s', 'k'];
const SYSTEMS = ['web-1', 'web-2', 'worker-1', 'db-primary'];
const PROGRAMS = ['app/web.1', 'heroku/router', 'nginx', 'postgres', ''];

let store: Store;
let stored: Event[];
const dir = tmpDir();

/** `n` random events; the i-th received at receivedMs(i). */
function sampleEvents(n: number, seed: number, receivedMs: (i: number) => number): NewEvent[] {
  const rand = fc.sample(fc.record({
    words: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }),
    sep: fc.constantFrom(' ', ' ', '='),
    system: fc.constantFrom(...SYSTEMS),
    host: fc.constantFrom('same', 'other-host', 'WEB-9'),
    program: fc.constantFrom(...PROGRAMS),
    severity: fc.integer({ min: 0, max: 7 }),
    facility: fc.constantFrom(1, 4, 16, 23),
    sd: fc.option(fc.constantFrom('503', 'abc', ''), { nil: undefined }),
  }), { numRuns: n, seed });
  return rand.map((r, i) => ({
    receivedMs: receivedMs(i),
    sourceIp: '10.0.0.1',
    systemName: r.system,
    hostname: r.host === 'same' ? r.system : r.host,
    program: r.program,
    severity: r.severity,
    facility: r.facility,
    generatedAt: null,
    message: r.words.join(r.sep),
    fields: (r.sd === undefined ? {} : { code: r.sd }) as Record<string, string>,
    flags: [],
  }));
}

beforeAll(() => {
  store = openStore(dir.path);
  const events = sampleEvents(400, 42, () => Date.parse('2026-05-30T12:00:00Z'));
  store.append([{ events }]);
  store.groups.save({ name: 'web', system_wildcard: 'web-*', system_ids: [] }, 0);
  store.groups.save({ name: 'databases', system_wildcard: null, system_ids: [store.systems.find('db-primary')!.id] }, 0);
  stored = search(store, { type: 'matchAll', ...at });
  expect(stored).toHaveLength(400);
});

afterAll(() => {
  store.close();
  dir.cleanup();
});

function search(s: Store, ast: QueryNode): Event[] {
  return s.searcher.page({ filter: s.compile(ast), direction: 'newest', limit: 10_000, deadlineMs: Infinity, now: Date.now }).events;
}

const text = fc.oneof(fc.constantFrom(...FRAGMENTS), fc.constantFrom(...WORDS));
const leaf: fc.Arbitrary<QueryNode> = fc.oneof(
  text.map((value) => ({ type: 'term', value, ...at }) as const),
  text.map((value) => ({ type: 'phrase', value, ...at }) as const),
  fc.record({ name: fc.constantFrom('sender', 'host'), values: fc.array(fc.constantFrom('web-1', 'web-*', '*-1', 'WEB-9', 'other-host', 'db*'), { minLength: 1, maxLength: 2 }) })
    .map(({ name, values }) => ({ type: 'attr', name, values, ...at }) as const),
  fc.array(fc.constantFrom('app/web.1', 'heroku/router', '*router', 'app/*', 'nginx', '*'), { minLength: 1, maxLength: 2 })
    .map((values) => ({ type: 'attr', name: 'program', values, ...at }) as const),
  fc.array(text, { minLength: 1, maxLength: 2 }).map((values) => ({ type: 'attr', name: 'message', values, ...at }) as const),
  fc.array(fc.constantFrom('error', 'warning', 'e*', 'info'), { minLength: 1, maxLength: 2 }).map((values) => ({ type: 'attr', name: 'severity', values, ...at }) as const),
  fc.array(fc.constantFrom('user', 'auth', 'local7', 'local*'), { minLength: 1, maxLength: 2 }).map((values) => ({ type: 'attr', name: 'facility', values, ...at }) as const),
  fc.array(fc.constantFrom('web', 'databases', 'nope', 'w*'), { minLength: 1, maxLength: 2 }).map((values) => ({ type: 'attr', name: 'group', values, ...at }) as const),
  fc.record({ op: fc.constantFrom('>=', '>', '<=', '<', '=') as fc.Arbitrary<'>=' | '>' | '<=' | '<' | '='>, code: fc.integer({ min: 0, max: 7 }) })
    .map(({ op, code }) => ({ type: 'severityCompare', op, code, ...at }) as const),
  fc.record({ field: fc.constantFrom('status', 'service', 'code', 'bytes'), op: fc.constantFrom('>=', '>', '<=', '<') as fc.Arbitrary<'>=' | '>' | '<=' | '<'>, value: fc.constantFrom(0, 12, 200, 500, 502, 1000) })
    .map(({ field, op, value }) => ({ type: 'fieldCompare', field, op, value, raw: String(value), ...at }) as const),
  fc.constantFrom('rror', 'status=\\d+', '^GET', 'h12|timeout').map((source) => ({ type: 'regex', source, ...at }) as const),
);
const { node } = fc.letrec<{ node: QueryNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    tie('node').map((child) => ({ type: 'not', child, ...at }) as const),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children) => ({ type: 'and', children, ...at }) as const),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children) => ({ type: 'or', children, ...at }) as const),
  ),
}));

test('SQL and in-memory back ends return the same events for random queries', () => {
  const inGroup = (g: string, e: Event) => (store.groups.systemIdsMatching(g) ?? []).includes(e.source_id);
  fc.assert(
    fc.property(node, (ast) => {
      const q = print(ast);
      const reparsed = parse(q);
      if (!reparsed.ok) throw new Error(`printed query does not parse: ${q}`);
      const want = stored.filter(compileMatcher(reparsed.ast, { inGroup })).map((e) => e.id);
      const got = search(store, reparsed.ast).map((e) => e.id);
      expect(got, q).toEqual(want);
    }),
    { numRuns: 400, seed: 7 },
  );
});

test('hand-picked queries agree and find what a user expects', () => {
  const count = (q: string) => {
    const r = parse(q);
    if (!r.ok) throw new Error(r.error.message);
    const sql = search(store, r.ast).length;
    expect(sql, q).toBe(stored.filter(compileMatcher(r.ast)).length);
    return sql;
  };
  expect(count('status=50')).toBeGreaterThan(0);
  expect(count('status=50')).toBe(count('status=502'));
  expect(count('err')).toBeGreaterThan(count('at=error'));
  expect(count('rror')).toBe(0); // not at a word start: see containsAtWordStart
  expect(count('~"rror"')).toBeGreaterThan(0);
  expect(count('status>=500')).toBeGreaterThan(0);
  expect(count('-error')).toBe(400 - count('error'));
  // A word right after a colour code is a word: `ESC[36mInvoice` is found by `Invoice`, a phrase
  // reads across the codes, and the codes themselves are not text.
  expect(count('Invoice')).toBeGreaterThan(0);
  expect(count('"invoice paid"')).toBeGreaterThan(0);
  expect(count('~"invoice\\s+paid"')).toBeGreaterThan(0);
  expect(count('36minvoice')).toBe(0);
  expect(count('title')).toBe(0);
});

// The full-text index has three layouts (store/positions.ts): positions as rowids in a file of its
// own (day files made since day/0009), ids in a file of its own (day/0005–0007), ids inside the day
// file (before day/0005). Day files with positions seal their indexed events into compressed blocks
// (day/0010, store/blocks.ts). A data directory from an older version holds all of these; each must
// give exactly the answers of the in-memory matcher, for any query, id or time range, direction and size.
type Layout = 'positions' | 'positions, sealed' | 'ids, own file' | 'ids, inside the day file';
const LAYOUTS: Layout[] = ['positions', 'positions, sealed', 'ids, own file', 'ids, inside the day file'];
const EVENTS = 1400; // 600 and 800 a day: two blocks or more sealed in each, the rest rows
const SPAN_START = Date.parse('2026-05-30T23:00:00Z'); // across midnight: two day files
const SEEDS = [Date.parse('2026-05-30T22:00:00Z'), Date.parse('2026-05-31T00:00:00Z')]; // one per day, before its events
const SEED: NewEvent = { receivedMs: 0, sourceIp: '10.0.0.7', systemName: 'web-1', hostname: 'web-1', program: 'app/web.1', severity: 6, facility: 23, generatedAt: null, message: 'seed line', fields: {}, flags: [] };
const SPACING_MS = 6_000;
const layoutEvents = sampleEvents(EVENTS, 43, (i) => SPAN_START + i * SPACING_MS);
const layoutDirs = LAYOUTS.map(() => tmpDir());
const layoutStores = new Map<Layout, Store>();
let layoutStored: Event[];

beforeAll(() => {
  LAYOUTS.forEach((layout, k) => {
    const path = layoutDirs[k]!.path;
    let s = openStore(path);
    for (const name of SYSTEMS) s.systems.resolve(name, '10.0.0.1', SEEDS[0]!); // the same ids in every store
    if (layout.startsWith('positions')) {
      // The seeds through a writer of their own: the store's then knows nothing of the newer day.
      new EventWriter(s.partitions, s.systems).write(SEEDS.map((ms) => ({ events: [{ ...SEED, receivedMs: ms }] })));
    } else {
      // An older version's day files, each holding its seed (system 1: web-1, local7.info).
      s.close();
      for (const ms of SEEDS) {
        const file = (suffix: string) => join(path, 'events', `${dayOf(ms)}${suffix}`);
        oldDayFile(layout === 'ids, own file' ? 7 : 4, file('.sqlite'), file('.fts.sqlite'), [{ id: idFloorForTime(ms), systemId: 1, message: SEED.message, program: SEED.program }]);
      }
      s = openStore(path);
    }
    // Most rows indexed; the last 100 committed but not yet indexed (read directly: store/unindexed.ts).
    for (let i = 0; i < EVENTS - 100; i += 100) s.append([{ events: layoutEvents.slice(i, i + 100) }]);
    if (layout === 'positions, sealed') {
      for (const ms of SEEDS) expect(sealDay(s.partitions.indexer(dayOf(ms))!, { keepLive: 0 }), 'blocks sealed').toBeGreaterThanOrEqual(2);
    }
    new EventWriter(s.partitions, s.systems).write([{ events: layoutEvents.slice(EVENTS - 100) }]);
    s.groups.save({ name: 'web', system_wildcard: 'web-*', system_ids: [] }, 0);
    s.groups.save({ name: 'databases', system_wildcard: null, system_ids: [s.systems.find('db-primary')!.id] }, 0);
    for (const ms of SEEDS) {
      const db = s.partitions.reader(dayOf(ms))!;
      expect([ftsRowids(db), hasInlineIndex(db)]).toEqual(layout.startsWith('positions') ? ['position', false] : ['id', layout === 'ids, inside the day file']);
    }
    layoutStores.set(layout, s);
  });
  layoutStored = search(layoutStores.get('positions')!, { type: 'matchAll', ...at });
  expect(layoutStored).toHaveLength(EVENTS + 2);
  // The sealed layout holds the same events: the agreement below is also old layout against new.
  expect(search(layoutStores.get('positions, sealed')!, { type: 'matchAll', ...at })).toEqual(layoutStored);
});

afterAll(() => {
  for (const s of layoutStores.values()) s.close();
  for (const d of layoutDirs) d.cleanup();
});

test('every layout of the full-text index returns what the in-memory matcher does, for random queries and ranges', () => {
  const ids = layoutStored.map((e) => Number(e.id));
  const inGroup = (g: string, e: Event) => (layoutStores.get('positions')!.groups.systemIdsMatching(g) ?? []).includes(e.source_id);
  const CHART = { minMs: SEEDS[0]!, maxMs: SPAN_START + EVENTS * SPACING_MS };
  const CHART_WIDTH = (CHART.maxMs - CHART.minMs) / 5;
  // A bound: none, an event's id or one beside it (the edges of the id → position mapping), or a time.
  const bound = fc.oneof(
    fc.constant(undefined),
    fc.record({ k: fc.nat({ max: ids.length - 1 }), d: fc.constantFrom(-1, 0, 1) }).map(({ k, d }) => ids[k]! + d),
    fc.integer({ min: SEEDS[0]! - 60_000, max: SPAN_START + EVENTS * SPACING_MS + 60_000 }).map(idFloorForTime),
  );
  fc.assert(
    fc.property(node, bound, bound, fc.constantFrom('newest', 'oldest') as fc.Arbitrary<'newest' | 'oldest'>, fc.integer({ min: 1, max: 60 }), (ast, a, b, direction, limit) => {
      const [minId, maxId] = a !== undefined && b !== undefined && b < a ? [b, a] : [a, b];
      const q = print(ast);
      const reparsed = parse(q);
      if (!reparsed.ok) throw new Error(`printed query does not parse: ${q}`);
      const all = layoutStored.filter(compileMatcher(reparsed.ast, { inGroup }));
      const matches = all.filter((e) => (minId === undefined || Number(e.id) > minId) && (maxId === undefined || Number(e.id) < maxId));
      const want = (direction === 'newest' ? matches.slice(-limit) : matches.slice(0, limit)).map((e) => e.id);
      const wantChart = [0, 1, 2, 3, 4].map((i) => all.filter((e) => Math.floor((timeOfId(Number(e.id)) - CHART.minMs) / CHART_WIDTH) === i).length);
      for (const layout of LAYOUTS) {
        const s = layoutStores.get(layout)!;
        const filter = s.compile(reparsed.ast);
        const page = s.searcher.page({ filter, minId, maxId, direction, limit, deadlineMs: Infinity, now: Date.now });
        expect(page.events.map((e) => e.id), `${layout}: ${q} (${minId}, ${maxId}) ${direction} ${limit}`).toEqual(want);
        const counted = s.windows.count(filter, minId ?? 0, (maxId ?? Number.MAX_SAFE_INTEGER) - 1).count;
        expect(counted, `${layout}: count ${q} (${minId}, ${maxId})`).toBe(matches.length);
        const chart = s.histogram({ filter, timeOnly: false, ...CHART, buckets: 5, deadlineMs: Infinity, now: Date.now });
        expect(chart.buckets.map((x) => x.count), `${layout}: histogram ${q}`).toEqual(wantChart);
      }
    }),
    { numRuns: 200, seed: 11 },
  );
});
