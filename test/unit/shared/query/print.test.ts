import { describe, expect, test } from 'vitest';
import { parse } from '../../../../shared/query/parse.ts';
import { print } from '../../../../shared/query/print.ts';
import type { QueryNode } from '../../../../shared/query/ast.ts';

function parseOk(q: string): QueryNode {
  const r = parse(q);
  if (!r.ok) throw new Error(`parse(${JSON.stringify(q)}): ${r.error.message} at ${r.error.offset}`);
  return r.ast;
}

describe('print: canonical text round-trips', () => {
  // f(q, canonical): q prints as canonical, and canonical is a fixed point.
  const f = (q: string, canonical: string = q) => {
    expect(print(parseOk(q))).toBe(canonical);
    expect(print(parseOk(canonical))).toBe(canonical);
  };

  test('terms and phrases', () => {
    f('');
    f('   ', '');
    f('error');
    f('status=50');
    f('10.1.2');
    f('/add_list');
    f('/api/v1/');
    f('ops@example.com');
    f('foo:bar');
    f("don't");
    f('-');
    f('or');
    f('"connection refused"');
    f("'connection refused'", '"connection refused"');
    f('"error"');
    f(`'say "hi"'`);
    f('"say \\"hi\\""', `'say "hi"'`);
    f(`"it's \\"x\\""`);
    f('"C:\\temp"');
    f('"a\\\\"');
    f('"AND"');
    f('"-x"');
    f('"sender:x"');
    f('"status>=5"');
    f('"a)b"');
    f('"~\\"x\\""', `'~"x"'`);
  });

  test('boolean structure', () => {
    f('timeout db');
    f('timeout  AND   db', 'timeout db');
    f('a OR b');
    f('a b OR c');
    f('(a b) OR c', 'a b OR c');
    f('a (b OR c)');
    f('(a OR b) -c');
    f('a OR (b OR c)', 'a OR b OR c');
    f('((a b) c)', 'a b c');
    f('((a))', 'a');
    f('NOT a', '-a');
    f('NOT NOT a', '--a');
    f('-healthcheck');
    f('-("TTL exceeded" OR "1 packet")');
    f('-(a b)');
    f('- a', '- a');
    f('a -', 'a -');
    f('(-)', '-');
    f('--');
    f('a AND b OR c AND d', 'a b OR c d');
    f('(a OR b) (c OR d)');
    f('-(-a OR b) c');
  });

  test('attributes', () => {
    f('sender:web-1');
    f('SENDER:Web-*', 'sender:Web-*');
    f('program:*router');
    f('program:(production.log staging.log)');
    f('program:(a OR b)', 'program:(a b)');
    f('program:(a)', 'program:a');
    f('message:"foo bar"');
    f('message:(foo "bar baz")');
    f('sender:-x', 'sender:"-x"');
    f('sender:OR', 'sender:"OR"');
    f("sender:'a\"b'", 'sender:a"b');
    f("sender:'\"b'");
    f('host:web-1 group:prod');
    f('severity:err', 'severity:error');
    f('severity:(Warn crit)', 'severity:(warning critical)');
    f('severity:E*', 'severity:e*');
    f('facility:Local7', 'facility:local7');
    f('severity:>=warn', 'severity:>=warning');
    f('severity:=error');
    f('severity:<debug');
    f('-severity:>=warning');
  });

  test('comparisons and regular expressions', () => {
    f('status>=500');
    f('service>1000ms');
    f('bytes<100');
    f('temp<=-5.5');
    f('~"timeout after \\d+ms"');
    f("~'a\"b'", '~"a\\"b"');
    f('~"a\\"b"');
    f("~'x'", '~"x"');
    f('-~"^GET /health"');
    f('status>=500 OR ~"5\\d\\d" -program:heroku/router');
  });
});

describe('print: hand-built trees', () => {
  const f = (ast: QueryNode, want: string) => {
    expect(print(ast)).toBe(want);
    expect(print(parseOk(want))).toBe(want);
  };
  const at = { start: 0, end: 0 };
  const t = (value: string): QueryNode => ({ type: 'term', value, ...at });

  test('nested groups of one kind flatten; one-child groups unwrap', () => {
    f({ type: 'and', children: [t('a'), { type: 'and', children: [t('b'), t('c')], ...at }], ...at }, 'a b c');
    f({ type: 'or', children: [{ type: 'and', children: [t('a')], ...at }, t('b')], ...at }, 'a OR b');
    f({ type: 'not', child: { type: 'or', children: [t('a'), t('b')], ...at }, ...at }, '-(a OR b)');
    f({ type: 'and', children: [{ type: 'or', children: [t('a'), t('b')], ...at }, t('c')], ...at }, '(a OR b) c');
  });

  test('words that would lex differently are quoted', () => {
    f(t('a b'), '"a b"');
    f(t('(x'), '"(x"');
    f(t('"'), `'"'`);
    f(t(`'"`), `"'\\""`);
    f(t('\\'), '\\');
    f({ type: 'phrase', value: 'a\\', ...at }, '"a\\\\"');
    f({ type: 'not', child: t('-'), ...at }, '--');
    f({ type: 'regex', source: 'say "hi"', ...at }, '~"say \\"hi\\""');
  });
});
