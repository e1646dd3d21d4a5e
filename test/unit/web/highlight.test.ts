// The stream marks what the query matched: positive terms from a word start, phrases, message:
// values and regexes; never negated terms.
import { expect, test } from 'vitest';
import { parse } from '../../../shared/query/parse.ts';
import { highlighter } from '../../../web/src/lib/highlight.ts';

const marks = (q: string, text: string) => {
  const r = parse(q);
  if (!r.ok) throw new Error(r.error.message);
  return highlighter(r.ast).ranges(text).map(([a, b]) => text.slice(a, b));
};

test('terms mark from a word start, case-insensitively, as search matches them', () => {
  expect(marks('err', 'Error: no errors, terror')).toEqual(['Err', 'err']);
  expect(marks('status=50', 'at=error status=503 code=H12')).toEqual(['status=50']);
  expect(marks('"connection refused" db', 'db: Connection refused by db-2')).toEqual(['db', 'Connection refused', 'db']);
});

test('negated terms, attributes and comparisons mark nothing; regexes mark their matches', () => {
  expect(marks('timeout -healthcheck sender:web-1 status>=500', 'healthcheck timeout')).toEqual(['timeout']);
  expect(marks('~"after \\d+ms"', 'timeout after 1500ms, after 20ms')).toEqual(['after 1500ms', 'after 20ms']);
  expect(marks('message:(slow fast)', 'slow and fast')).toEqual(['slow', 'fast']);
});
