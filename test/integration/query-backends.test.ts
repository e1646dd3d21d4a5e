// DESIGN 5: one query, two back ends. The SQL compiler (search, alert counts) and the in-memory
// matcher (live tail) must return the same events for any query.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Event } from '../../shared/event.ts';
import type { QueryNode } from '../../shared/query/ast.ts';
import { compileMatcher } from '../../shared/query/match.ts';
import { parse } from '../../shared/query/parse.ts';
import { print } from '../../shared/query/print.ts';
import { openStore, type Store } from '../../server/store/index.ts';
import type { NewEvent } from '../../server/store/types.ts';
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

beforeAll(() => {
  store = openStore(dir.path);
  const rand = fc.sample(fc.record({
    words: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }),
    sep: fc.constantFrom(' ', ' ', '='),
    system: fc.constantFrom(...SYSTEMS),
    host: fc.constantFrom('same', 'other-host', 'WEB-9'),
    program: fc.constantFrom(...PROGRAMS),
    severity: fc.integer({ min: 0, max: 7 }),
    facility: fc.constantFrom(1, 4, 16, 23),
    sd: fc.option(fc.constantFrom('503', 'abc', ''), { nil: undefined }),
  }), { numRuns: 400, seed: 42 });
  const events: NewEvent[] = rand.map((r) => ({
    receivedMs: Date.parse('2026-05-30T12:00:00Z'),
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
