import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { FACILITIES, SEVERITIES, type Event } from '../../shared/event.ts';
import type { QueryNode } from '../../shared/query/ast.ts';
import { parse } from '../../shared/query/parse.ts';
import { print } from '../../shared/query/print.ts';
import { compileMatcher, numericValue, type MatchContext } from '../../shared/query/match.ts';

const at = { start: 0, end: 0 };
const ctx: MatchContext = { inGroup: (g, e) => e.source_name.toLowerCase().startsWith(g.replace(/\*.*$/, '').toLowerCase()) };

// Text that stresses quoting: operators, quotes, backslashes, parens, whitespace, any code point.
const tricky = ['AND', 'OR', 'NOT', 'or', '-', '-x', '"', "'", `'"`, '\\', '\\"', '(', 'a)b', 'a b', 'sender:x', 'x>=5',
  '~"a"', "don't", '*', 'web-*', '10.1.2', 'status=50', '\t', '\u00a0x'];
const text = fc.oneof(
  fc.string({ minLength: 1, maxLength: 8 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }),
  fc.constantFrom(...tricky),
);
const validRegex = (s: string) => {
  try {
    new RegExp(s, 'i');
    return true;
  } catch {
    return false;
  }
};
const regexSource = fc.oneof(
  fc.constantFrom('timeout after \\d+ms', 'a"b', '^GET', 'x\\\\y', '[)(]', 'say \\"hi\\"', '(a|b)+', "it's", '\\\\"'),
  fc.string({ maxLength: 8 }).filter(validRegex),
);

const leaf: fc.Arbitrary<QueryNode> = fc.oneof(
  text.map((value) => ({ type: 'term', value, ...at }) as const),
  text.map((value) => ({ type: 'phrase', value, ...at }) as const),
  fc.record({
    name: fc.constantFrom('sender', 'program', 'message', 'host', 'group'),
    values: fc.array(text, { minLength: 1, maxLength: 3 }),
  }).map(({ name, values }) => ({ type: 'attr', name, values, ...at }) as const),
  fc.array(fc.constantFrom('error', 'warning', 'debug', 'e*', '*', '*o*'), { minLength: 1, maxLength: 3 })
    .map((values) => ({ type: 'attr', name: 'severity', values, ...at }) as const),
  fc.array(fc.constantFrom('kern', 'local7', 'local*', 'authpriv'), { minLength: 1, maxLength: 2 })
    .map((values) => ({ type: 'attr', name: 'facility', values, ...at }) as const),
  fc.record({ op: fc.constantFrom('>=', '>', '<=', '<', '=') as fc.Arbitrary<'>=' | '>' | '<=' | '<' | '='>, code: fc.integer({ min: 0, max: 7 }) })
    .map(({ op, code }) => ({ type: 'severityCompare', op, code, ...at }) as const),
  fc.record({
    field: fc.constantFrom('status', 'service', 'sd.status', 'x', 'a-b_c'),
    op: fc.constantFrom('>=', '>', '<=', '<') as fc.Arbitrary<'>=' | '>' | '<=' | '<'>,
    n: fc.integer({ min: -1000, max: 100_000 }),
    unit: fc.constantFrom('', 'ms', 's', '%', 'MB', '.5'),
  }).map(({ field, op, n, unit }) => {
    const raw = `${n}${unit}`;
    return { type: 'fieldCompare', field, op, raw, value: numericValue(raw) ?? NaN, ...at } as const;
  }),
  regexSource.map((source) => ({ type: 'regex', source, ...at }) as const),
);

const { node } = fc.letrec<{ node: QueryNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('node').map((child) => ({ type: 'not', child, ...at }) as const),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children) => ({ type: 'and', children, ...at }) as const),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children) => ({ type: 'or', children, ...at }) as const),
  ),
}));

const haystack = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('web-1', 'a b', 'timeout after 12ms', 'say "hi"', 'AND OR', 'x>=5'));
const event: fc.Arbitrary<Event> = fc.record({
  source_name: haystack,
  hostname: haystack,
  program: haystack,
  message: haystack,
  severity: fc.constantFrom(...SEVERITIES),
  facility: fc.constantFrom(...FACILITIES),
  fields: fc.dictionary(
    fc.constantFrom('status', 'service', 'sd.status', 'x', 'a-b_c', '__proto__', 'toString'),
    fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -2000, max: 200_000 }).map(String), fc.constantFrom('30000ms', '12.5%', '')),
  ),
}).map((e) => ({
  id: '1', received_at: '2026-05-30T16:24:40.438Z', generated_at: null, display_received_at: 'May 30 16:24:40',
  source_ip: '10.0.0.1', source_id: 1, flags: [], ...e,
}));

function reparse(q: string): QueryNode {
  const r = parse(q);
  if (!r.ok) throw new Error(`parse(${JSON.stringify(q)}) failed: ${r.error.message} at ${r.error.offset}`);
  return r.ast;
}

describe('query fuzz', () => {
  test('parse never throws, and errors point inside the query', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (q) => {
      const r = parse(q);
      if (!r.ok) expect(r.error.offset).toBeGreaterThanOrEqual(0);
      if (!r.ok) expect(r.error.offset).toBeLessThanOrEqual(q.length);
    }), { numRuns: 2000 });
  });

  test('token soup: parses, or prints to a fixed point that means the same', () => {
    const soup = ['a', 'b', 'OR', 'AND', 'NOT', 'or', '-', '(', ')', '"', "'", '~', '~"x"', '\\', ' ', ' ', ' ', 'sender:',
      'severity:', 'program:', '>=', '<', 'status>=5', 'x:y', '*', 'web-*', '"a b"', 'err', 'warning', '10.1.2', '='];
    const query = fc.array(fc.constantFrom(...soup), { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(fc.property(query, event, (q, e) => {
      const r = parse(q);
      if (!r.ok) return;
      expect(r.ast.start).toBeGreaterThanOrEqual(0);
      expect(r.ast.end).toBeLessThanOrEqual(q.length);
      const printed = print(r.ast);
      const again = reparse(printed);
      expect(print(again)).toBe(printed);
      expect(compileMatcher(again, ctx)(e)).toBe(compileMatcher(r.ast, ctx)(e));
    }), { numRuns: 3000 });
  });

  test('generated ASTs print, parse back and print identically, with the same meaning', () => {
    fc.assert(fc.property(node, fc.array(event, { minLength: 1, maxLength: 4 }), (ast, events) => {
      const printed = print(ast);
      const again = reparse(printed);
      expect(print(again)).toBe(printed);
      const [m1, m2] = [compileMatcher(ast, ctx), compileMatcher(again, ctx)];
      for (const e of events) expect(m2(e)).toBe(m1(e));
    }), { numRuns: 1000 });
  });

  test('matchers never throw on random events', () => {
    fc.assert(fc.property(node, event, (ast, e) => {
      expect(typeof compileMatcher(ast, ctx)(e)).toBe('boolean');
      expect(typeof compileMatcher(ast)(e)).toBe('boolean');
    }), { numRuns: 1000 });
  });
});
