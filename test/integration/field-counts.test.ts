// Counts and histograms of field comparisons (`program:heroku/router status>=500`) add up the
// per-minute field counts kept at insert (store/field-counts.ts) instead of reading every row. They
// must say exactly what the rows say: the same queries, counted both ways over a real store with
// random ranges, and against the in-memory matcher.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Event } from '../../shared/event.ts';
import type { CompareOp, QueryNode } from '../../shared/query/ast.ts';
import { compileMatcher } from '../../shared/query/match.ts';
import { parse } from '../../shared/query/parse.ts';
import { print } from '../../shared/query/print.ts';
import { answerMinutes, bucketOf, MINUTE_MS } from '../../server/store/field-counts.ts';
import { idFloorForTime, timeOfId } from '../../server/store/ids.ts';
import { openStore, type Store } from '../../server/store/index.ts';
import { redactEvents } from '../../server/store/redact.ts';
import type { Filter } from '../../server/store/search.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { tmpDir } from '../helpers/tmp.ts';

const at = { start: 0, end: 0 };
const START = Date.parse('2026-05-30T22:00:00Z'); // four hours across midnight: two day files
const SPAN_MS = 4 * 3_600_000;
const SYSTEMS = ['web-1', 'web-2', 'worker-1'];
const PROGRAMS = ['heroku/router', 'app/web.1', 'App/Web.2'];
const STATUS = ['200', '201', '404', '500', '502', '503', '500.5', '-3', 'abc', '', '"503"', '1e3'];
const KEYS = ['status', 'service', 'bytes', 'connect', 'level', 'code', 'size'];
const OPERANDS = [0, 1, 5, 100, 200, 250, 500, 500.5, 502, 1000, 1500];

const event = (receivedMs: number, systemName: string, program: string, message: string, fields: Record<string, string> = {}): NewEvent => ({
  receivedMs, sourceIp: '10.0.0.1', systemName, hostname: systemName, program, severity: 6, facility: 23, generatedAt: null, message, fields, flags: [],
});

function astOf(q: string): QueryNode {
  const parsed = parse(q);
  if (!parsed.ok) throw new Error(`${q}: ${parsed.error.message}`);
  return parsed.ast;
}

const compile = (s: Store, q: string | QueryNode, systemIds?: number[]): Filter => s.compile(typeof q === 'string' ? astOf(q) : q, systemIds);

/** The same filter without its field-count plan: every match is read from the rows. */
const rowsOnly = (f: Filter): Filter => ({ ...f, fieldCounts: undefined });

describe('on random Heroku-like lines over four hours', () => {
  let store: Store;
  let stored: Event[];
  const dir = tmpDir();

  beforeAll(() => {
    store = openStore(dir.path);
    // These day files also count two of Heroku's timings and sizes, in one-digit buckets (200-299 as
    // one row), which thresholds such as service>250 cannot decide.
    for (const day of ['2026-05-30', '2026-05-31']) {
      store.partitions.writer(day).exec("INSERT INTO field_count_keys (key, digits, since_id) VALUES ('service', 1, 0), ('bytes', 1, 0)");
    }
    const lines = fc.sample(
      fc.record({
        t: fc.integer({ min: 0, max: SPAN_MS - 1 }),
        system: fc.constantFrom(...SYSTEMS),
        program: fc.constantFrom(...PROGRAMS),
        status: fc.constantFrom(...STATUS),
        service: fc.oneof(fc.integer({ min: 0, max: 2000 }).map(String), fc.constantFrom('12.5', 'slow', '250')),
        bytes: fc.integer({ min: 0, max: 30_000 }),
        level: fc.constantFrom('30', '50', 'info', 'error'),
        shape: fc.constantFrom('router', 'router', 'level', 'code', 'plain', 'extra'),
      }),
      { numRuns: 1500, seed: 13 },
    );
    lines.sort((a, b) => a.t - b.t);
    // Several commits, so that a minute's counts are added to across transactions.
    for (let i = 0; i < lines.length; i += 100) {
      store.append([{
        events: lines.slice(i, i + 100).map((l) => {
          const received = START + l.t;
          switch (l.shape) {
            case 'router': return event(received, l.system, l.program, `at=info method=GET status=${l.status} connect=${l.bytes % 7}ms service=${l.service}ms bytes=${l.bytes}`);
            case 'level': return event(received, l.system, l.program, `level=${l.level} msg="status=${l.status} in quotes"`);
            case 'code': return event(received, l.system, l.program, `at=error code=H12 desc="Request timeout" code=${l.status}`);
            case 'plain': return event(received, l.system, l.program, `GET /orders status ${l.status} took ${l.service}`);
            // Structured data (not logfmt) wins over the message's own pair (DESIGN 2).
            default: return event(received, l.system, l.program, `status=${l.status} service=${l.service}`, { status: String(l.bytes % 600), sdid: 'x' });
          }
        }),
      }]);
    }
    store.groups.save({ name: 'web', system_wildcard: 'web-*', system_ids: [] }, 0);
    stored = store.searcher.page({ filter: compile(store, ''), direction: 'newest', limit: 10_000, deadlineMs: Infinity, now: Date.now }).events;
    expect(stored).toHaveLength(1500);
  });

  afterAll(() => {
    store.close();
    dir.cleanup();
  });

  const compare = fc.record({ field: fc.constantFrom(...KEYS), op: fc.constantFrom('>=', '>', '<=', '<') as fc.Arbitrary<CompareOp>, value: fc.constantFrom(...OPERANDS) });
  const countable: fc.Arbitrary<QueryNode> = fc
    .record({
      compares: fc.array(compare, { minLength: 1, maxLength: 2 }),
      sameKey: fc.constantFrom(true, true, true, false),
      programs: fc.option(fc.array(fc.constantFrom('heroku/router', 'HEROKU/ROUTER', 'app/*', '*', 'nope'), { minLength: 1, maxLength: 2 }), { nil: undefined }),
      sender: fc.option(fc.constantFrom('web-*', 'worker-1', 'web-2'), { nil: undefined }),
      group: fc.option(fc.constantFrom('web', 'nope'), { nil: undefined }),
      other: fc.constantFrom<QueryNode | undefined>(undefined, undefined, undefined, { type: 'term', value: 'get', ...at }, { type: 'attr', name: 'severity', values: ['info'], ...at }),
    })
    .map(({ compares, sameKey, programs, sender, group, other }) => {
      const children: QueryNode[] = compares.map((c) => ({ type: 'fieldCompare', field: sameKey ? compares[0]!.field : c.field, op: c.op, value: c.value, raw: String(c.value), ...at }));
      if (programs) children.push({ type: 'attr', name: 'program', values: programs, ...at });
      if (sender) children.push({ type: 'attr', name: 'sender', values: [sender], ...at });
      if (group) children.push({ type: 'attr', name: 'group', values: [group], ...at });
      if (other) children.push(other); // not countable: counted from the rows, the same answer
      return children.length === 1 ? children[0]! : { type: 'and', children, ...at };
    });
  // Minute-aligned or not, anywhere from before the first event to after the last.
  const instant = fc.oneof(fc.integer({ min: -10, max: 250 }).map((m) => START + m * MINUTE_MS), fc.integer({ min: -600_000, max: SPAN_MS + 600_000 }).map((ms) => START + ms));
  const scope = fc.option(fc.subarray([1, 2, 3], { minLength: 1 }), { nil: undefined });

  const inGroup = (g: string, e: Event) => (store.groups.systemIdsMatching(g) ?? []).includes(e.source_id);
  const matching = (ast: QueryNode, systemIds: number[] | undefined) => {
    const m = compileMatcher(ast, { inGroup });
    return stored.filter((e) => m(e) && (!systemIds || systemIds.includes(e.source_id)));
  };

  test('an alert count over any window is what the rows say, and what the in-memory matcher says', () => {
    let planned = 0;
    fc.assert(
      fc.property(countable, instant, instant, scope, (ast, a, b, systemIds) => {
        const reparsed = parse(print(ast));
        if (!reparsed.ok) throw new Error(print(ast));
        const [after, through] = [idFloorForTime(Math.min(a, b)) - 1, idFloorForTime(Math.max(a, b)) - 1];
        const filter = compile(store, reparsed.ast, systemIds);
        if (filter.fieldCounts) planned++;
        const got = store.windows.count(filter, after, through).count;
        expect(got, print(ast)).toBe(store.windows.count(rowsOnly(filter), after, through).count);
        expect(got, print(ast)).toBe(matching(reparsed.ast, systemIds).filter((e) => Number(e.id) > after && Number(e.id) <= through).length);
      }),
      { numRuns: 400, seed: 5 },
    );
    expect(planned).toBeGreaterThan(100); // most of these queries are answered from the counts
  });

  test('a histogram of any range is what the rows say, bucket by bucket', () => {
    fc.assert(
      fc.property(countable, instant, fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 60 }), scope, (ast, max, buckets, minutesPerBucket, systemIds) => {
        const reparsed = parse(print(ast));
        if (!reparsed.ok) throw new Error(print(ast));
        const minMs = max - buckets * minutesPerBucket * MINUTE_MS;
        const h = store.histogram({ filter: compile(store, reparsed.ast, systemIds), systemIds, timeOnly: false, minMs, maxMs: max, buckets, deadlineMs: Infinity, now: Date.now });
        expect(h.timedOut).toBe(false);
        const matches = matching(reparsed.ast, systemIds).map((e) => timeOfId(Number(e.id)));
        const width = minutesPerBucket * MINUTE_MS;
        h.buckets.forEach((bucket, i) => {
          const from = bucket.t * 1000;
          const to = i === h.buckets.length - 1 ? max : from + width;
          expect(bucket.count, `${print(ast)} bucket ${i}`).toBe(matches.filter((t) => t >= from && t < to).length);
        });
      }),
      { numRuns: 200, seed: 6 },
    );
  });

  test('whole minutes of status>=500 are answered by the counts alone, without reading rows', () => {
    const filter = compile(store, 'program:heroku/router status>=500');
    const db = store.partitions.reader('2026-05-30')!;
    const from = START / MINUTE_MS;
    const answer = answerMinutes(db, filter.fieldCounts!, from, from + 120)!;
    expect(answer.scan).toEqual([]); // 500, 502, 503, 500.5 each decide their row
    const want = matching(astOf('program:heroku/router status>=500'), undefined).filter((e) => timeOfId(Number(e.id)) < START + 120 * MINUTE_MS).length;
    expect([...answer.counts.values()].reduce((n, c) => n + c, 0)).toBe(want);
    expect(want).toBeGreaterThan(0);
  });
});

test('value buckets keep status codes apart and group timings by their first digit', () => {
  const f = (value: number, digits: number, want: number) => expect(bucketOf(value, digits), `${value} to ${digits} digits`).toBe(want);
  f(200, 3, 200);
  f(201, 3, 201);
  f(503, 3, 503);
  f(500.5, 3, 500);
  f(0, 1, 0);
  f(7, 1, 7);
  f(23, 1, 20);
  f(899, 1, 800);
  f(1000, 1, 1000);
  f(19_999, 1, 10_000);
  f(-3, 1, -3);
  f(-0, 1, 0);
  f(Infinity, 1, Infinity);
});

describe('a data directory written before the field counts', () => {
  let dir: ReturnType<typeof tmpDir>;
  beforeEach(() => (dir = tmpDir()));
  afterEach(() => dir.cleanup());
  const NOON = Date.parse('2026-05-30T12:00:00Z');
  const lines = (from: number, n: number, status: (i: number) => number) =>
    Array.from({ length: n }, (_, i) => event(from + i * 1000, 'web-1', 'heroku/router', `at=info status=${status(i)} service=${i}ms`));
  const countOf = (s: Store, q: string, fromMs: number, toMs: number) => s.windows.count(compile(s, q), idFloorForTime(fromMs) - 1, idFloorForTime(toMs) - 1).count;

  test('opens, counts its older lines from the rows and its new lines from the counts, and agrees with the rows', () => {
    // A day file as today's main leaves it (day/0001-0007): the store writes it, then the tables of
    // day/0008 are taken away again.
    let store = openStore(dir.path);
    store.append([{ events: lines(NOON, 150, (i) => (i % 3 === 0 ? 500 : 200)) }]); // 12:00:00-12:02:29
    store.close();
    const file = new Database(join(dir.path, 'events', '2026-05-30.sqlite'));
    file.exec('DROP TABLE field_counts; DROP TABLE field_count_programs; DROP TABLE field_count_keys; PRAGMA user_version = 7');
    file.close();

    store = openStore(dir.path);
    // More lines in the same minute as the last old ones, and in later minutes.
    store.append([{ events: lines(NOON + 150_000, 300, (i) => (i % 4 === 0 ? 503 : 304)) }]); // 12:02:30-12:07:29
    const q = 'program:heroku/router status>=500';
    const filter = compile(store, q);
    const total = 50 + 75;
    expect(countOf(store, q, NOON, NOON + 3_600_000)).toBe(total);
    expect(store.windows.count(rowsOnly(filter), idFloorForTime(NOON) - 1, idFloorForTime(NOON + 3_600_000)).count).toBe(total);
    // The minutes before the upgrade and the one it fell in are read from the rows; later ones are counted.
    const answer = answerMinutes(store.partitions.reader('2026-05-30')!, filter.fieldCounts!, NOON / MINUTE_MS, NOON / MINUTE_MS + 60)!;
    expect(answer.scan).toEqual([[NOON / MINUTE_MS, NOON / MINUTE_MS + 3]]);
    expect([...answer.counts.values()].reduce((n, c) => n + c, 0)).toBe(75 - 8); // 12:02:30-12:02:59 held 8 of them
    const h = store.histogram({ filter, timeOnly: false, minMs: NOON, maxMs: NOON + 10 * MINUTE_MS, buckets: 10, deadlineMs: Infinity, now: Date.now });
    expect(h.buckets.map((b) => b.count)).toEqual([20, 20, 18, 15, 15, 15, 15, 7, 0, 0]);
    store.close();
  });

  test('a redacted line leaves the counts: a count of status>=500 drops by one, as the rows do', () => {
    const store = openStore(dir.path);
    const [r] = store.append([{ events: lines(NOON, 120, (i) => (i % 2 ? 502 : 200)) }]);
    const q = 'status>=500';
    expect(countOf(store, q, NOON, NOON + 3_600_000)).toBe(60);
    const redacted = r!.lastId!; // status=502, 12:01:59
    expect(redactEvents(store.partitions, [redacted], { reason: 'leaked', by: 'ops@example.com', nowMs: NOON + 3_600_000 }).redacted).toEqual([redacted]);
    expect(countOf(store, q, NOON, NOON + 3_600_000)).toBe(59);
    expect(store.windows.count(rowsOnly(compile(store, q)), idFloorForTime(NOON) - 1, idFloorForTime(NOON + 3_600_000)).count).toBe(59);
    const h = store.histogram({ filter: compile(store, q), timeOnly: false, minMs: NOON, maxMs: NOON + 2 * MINUTE_MS, buckets: 2, deadlineMs: Infinity, now: Date.now });
    expect(h.buckets.map((b) => b.count)).toEqual([30, 29]);
    store.close();
  });
});
