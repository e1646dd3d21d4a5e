import { describe, expect, test } from 'vitest';
import { parse } from '../../../../shared/query/parse.ts';
import type { QueryNode } from '../../../../shared/query/ast.ts';

// Builders for expected trees; spans are checked separately, so strip() drops them.
type Bare = Record<string, unknown>;
const term = (value: string): Bare => ({ type: 'term', value });
const phrase = (value: string): Bare => ({ type: 'phrase', value });
const and = (...children: Bare[]): Bare => ({ type: 'and', children });
const or = (...children: Bare[]): Bare => ({ type: 'or', children });
const not = (child: Bare): Bare => ({ type: 'not', child });
const attr = (name: string, ...values: string[]): Bare => ({ type: 'attr', name, values });
const sev = (op: string, code: number): Bare => ({ type: 'severityCompare', op, code });
const cmp = (field: string, op: string, value: number, raw: string): Bare => ({ type: 'fieldCompare', field, op, value, raw });
const regex = (source: string): Bare => ({ type: 'regex', source });

function strip(node: QueryNode): Bare {
  const { start: _s, end: _e, ...rest } = node;
  if (node.type === 'and' || node.type === 'or') return { ...rest, children: node.children.map(strip) };
  if (node.type === 'not') return { ...rest, child: strip(node.child) };
  return rest;
}

describe('parse: constructs', () => {
  const f = (q: string, want: Bare) => {
    const r = parse(q);
    if (!r.ok) throw new Error(`parse(${JSON.stringify(q)}): ${r.error.message} at ${r.error.offset}`);
    expect(strip(r.ast)).toEqual(want);
  };

  test('empty and whitespace queries match everything', () => {
    f('', { type: 'matchAll' });
    f('   \t ', { type: 'matchAll' });
  });

  test('terms are ordinary words, however they look', () => {
    f('error', term('error'));
    f('status=50', term('status=50'));
    f('10.1.2', term('10.1.2'));
    f('/add_list', term('/add_list'));
    f('/api/v1/', term('/api/v1/'));
    f('ops@example.com', term('ops@example.com'));
    f('H12', term('H12'));
    f('app/web.1', term('app/web.1'));
    f('foo:bar', term('foo:bar'));
    f('http://x.example/a?b=c', term('http://x.example/a?b=c'));
    f("don't", term("don't"));
    f('a-b', term('a-b'));
    f('a->b', term('a->b'));
    f('<html>', term('<html>'));
    f('x=>y', term('x=>y'));
    f('1<2', term('1<2'));
    f('~foo', term('~foo'));
    f('-', term('-'));
    f('and', term('and'));
    f('or', term('or'));
    f('not', term('not'));
    f('toString', term('toString'));
    f('constructor', term('constructor'));
    f('Or', term('Or'));
  });

  test('phrases', () => {
    f('"connection refused"', phrase('connection refused'));
    f("'connection refused'", phrase('connection refused'));
    f(`'say "hi"'`, phrase('say "hi"'));
    f('"say \\"hi\\""', phrase('say "hi"'));
    f('"C:\\temp"', phrase('C:\\temp'));
    f('"a\\\\"', phrase('a\\'));
    f(`'it\\'`, phrase('it\\'));
    f('"a OR b"', phrase('a OR b'));
    f('"x"y', and(phrase('x'), term('y')));
  });

  test('boolean operators and precedence', () => {
    f('timeout db', and(term('timeout'), term('db')));
    f('timeout AND db', and(term('timeout'), term('db')));
    f('timeout OR refused', or(term('timeout'), term('refused')));
    f('a b OR c', or(and(term('a'), term('b')), term('c')));
    f('a OR b c', or(term('a'), and(term('b'), term('c'))));
    f('a AND b OR c AND d', or(and(term('a'), term('b')), and(term('c'), term('d'))));
    f('a or b', and(term('a'), term('or'), term('b')));
    f('a and b', and(term('a'), term('and'), term('b')));
    f('-a b', and(not(term('a')), term('b')));
    f('NOT a b', and(not(term('a')), term('b')));
    f('-a OR b', or(not(term('a')), term('b')));
    f('--a', not(not(term('a'))));
    f('NOT -a', not(not(term('a'))));
    f('a NOT b', and(term('a'), not(term('b'))));
    f('-healthcheck', not(term('healthcheck')));
    f('-"TTL exceeded"', not(phrase('TTL exceeded')));
    f('a - b', and(term('a'), term('-'), term('b')));
  });

  test('grouping, nested and flattened', () => {
    f('(a OR b) -c', and(or(term('a'), term('b')), not(term('c'))));
    f('-("TTL exceeded" OR "1 packet")', not(or(phrase('TTL exceeded'), phrase('1 packet'))));
    f('NOT(a OR b)', not(or(term('a'), term('b'))));
    f('((a))', term('a'));
    f('a OR (b OR c)', or(term('a'), term('b'), term('c')));
    f('(a b) c', and(term('a'), term('b'), term('c')));
    f('a (b OR (c d))', and(term('a'), or(term('b'), and(term('c'), term('d')))));
    f('foo(bar)', and(term('foo'), term('bar')));
  });

  test('attributes', () => {
    f('sender:web-1', attr('sender', 'web-1'));
    f('Sender:Web-*', attr('sender', 'Web-*'));
    f('program:app/web.1', attr('program', 'app/web.1'));
    f('program:*router', attr('program', '*router'));
    f('message:foo', attr('message', 'foo'));
    f('message:"foo bar"', attr('message', 'foo bar'));
    f('host:web-1', attr('host', 'web-1'));
    f('group:prod', attr('group', 'prod'));
    f('program:(production.log staging.log)', attr('program', 'production.log', 'staging.log'));
    f('program:(a OR "b c")', attr('program', 'a', 'b c'));
    f('program:(a)', attr('program', 'a'));
    f('sender:-x', attr('sender', '-x'));
    f('sender:OR', attr('sender', 'OR'));
    f('message:a:b>5', attr('message', 'a:b>5'));
    f('-sender:web-1 error', and(not(attr('sender', 'web-1')), term('error')));
  });

  test('severity and facility names are validated and made canonical', () => {
    f('severity:error', attr('severity', 'error'));
    f('severity:ERR', attr('severity', 'error'));
    f('severity:warn', attr('severity', 'warning'));
    f('severity:(crit emerg)', attr('severity', 'critical', 'emergency'));
    f('severity:E*', attr('severity', 'e*'));
    f('facility:local7', attr('facility', 'local7'));
    f('facility:Local*', attr('facility', 'local*'));
    f('severity:>=warning', sev('>=', 4));
    f('severity:>err', sev('>', 3));
    f('severity:<=info', sev('<=', 6));
    f('severity:<debug', sev('<', 7));
    f('severity:=notice', sev('=', 5));
  });

  test('field comparisons', () => {
    f('status>=500', cmp('status', '>=', 500, '500'));
    f('service>1000ms', cmp('service', '>', 1000, '1000ms'));
    f('bytes<100', cmp('bytes', '<', 100, '100'));
    f('load<=0.5', cmp('load', '<=', 0.5, '0.5'));
    f('temp<-5', cmp('temp', '<', -5, '-5'));
    f('cpu>90%', cmp('cpu', '>', 90, '90%'));
    f('sd.status>=500', cmp('sd.status', '>=', 500, '500'));
    f('-status>=500', not(cmp('status', '>=', 500, '500')));
  });

  test('regular expressions', () => {
    f('~"timeout after \\d+ms"', regex('timeout after \\d+ms'));
    f("~'a\"b'", regex('a"b'));
    f('~"a\\"b"', regex('a\\"b'));
    f('~"a\\\\"', regex('a\\\\'));
    f('-~"^GET"', not(regex('^GET')));
  });
});

describe('parse: spans', () => {
  const f = (q: string, want: { start: number; end: number }) => {
    const r = parse(q);
    expect(r.ok && { start: r.ast.start, end: r.ast.end }).toEqual(want);
  };
  test('nodes cover their source text', () => {
    f('  error ', { start: 2, end: 7 });
    f('a b OR c', { start: 0, end: 8 });
    f('-(a OR b)', { start: 0, end: 9 });
    f('x (a OR b)', { start: 0, end: 10 });
    f('program:(a b)', { start: 0, end: 13 });
    f('severity:>=warning', { start: 0, end: 18 });
  });
});

describe('parse: errors are values with a message and an offset', () => {
  const f = (q: string, message: string | RegExp, offset: number) => {
    const r = parse(q);
    if (r.ok) throw new Error(`parse(${JSON.stringify(q)}) should fail`);
    if (typeof message === 'string') expect(r.error.message).toBe(message);
    else expect(r.error.message).toMatch(message);
    expect(r.error.offset).toBe(offset);
  };

  test('parentheses', () => {
    f('status (a OR b', "expected ')' to close '(' opened at column 8", 14);
    f('((a)', "expected ')' to close '(' opened at column 1", 4);
    f('(', "expected ')' to close '(' opened at column 1", 1);
    f('a -(', "expected ')' to close '(' opened at column 4", 4);
    f('a)', "unexpected ')' with no matching '('", 1);
    f(')', "unexpected ')' with no matching '('", 0);
    f('(a)) b', "unexpected ')' with no matching '('", 3);
    f('()', "empty group '()'", 0);
    f('a ( )', "empty group '()'", 2);
  });

  test('quotes', () => {
    f('a "connection refused', `expected '"' to close the phrase opened at column 3`, 21);
    f("'abc", `expected "'" to close the phrase opened at column 1`, 4);
    f('"abc\\"', `expected '"' to close the phrase opened at column 1`, 6);
    f('~"abc', `expected '"' to close the regular expression opened at column 1`, 5);
    f('x ""', 'empty phrase: put the text to find between the quotes', 2);
  });

  test('dangling operators', () => {
    f('a OR', "expected a term after 'OR'", 2);
    f('a OR OR b', "expected a term after 'OR'", 2);
    f('(a OR)', "expected a term after 'OR'", 3);
    f('OR a', "expected a term before 'OR'", 0);
    f('AND b', "expected a term before 'AND'", 0);
    f('a AND', "expected a term after 'AND'", 2);
    f('a AND OR b', "expected a term after 'AND'", 2);
    f('(AND a)', "expected a term before 'AND'", 1);
    f('a OR AND b', "expected a term after 'OR'", 2);
    f('NOT', "expected a term after 'NOT'", 0);
    f('a NOT', "expected a term after 'NOT'", 2);
    f('-OR a', "expected a term after '-'", 0);
  });

  test('attributes', () => {
    f('sender:', "expected a value right after 'sender:'", 7);
    f('Program: app', "expected a value right after 'Program:'", 8);
    f('(host:)', "expected a value right after 'host:'", 6);
    f('program:()', "empty value list after 'program:'", 8);
    f('program:(a b', "expected ')' to close '(' opened at column 9", 12);
    f('program:(a -b)', "unexpected '-' in the value list of 'program:'", 11);
    f('program:(a OR)', "unexpected 'OR' in the value list of 'program:'", 11);
    f('program:(OR a)', "unexpected 'OR' in the value list of 'program:'", 9);
    f('program:(sender:x)', "unexpected 'sender:' in the value list of 'program:'", 9);
    f('program:""', 'empty phrase: put the text to find between the quotes', 8);
  });

  test('severity and facility names', () => {
    const names = 'one of emergency, alert, critical, error, warning, notice, info, debug (aliases emerg, crit, err, warn)';
    f('severity:foo', `unknown severity 'foo': expected ${names}`, 9);
    f('severity:(error foo)', `unknown severity 'foo': expected ${names}`, 16);
    f('severity:x*', `unknown severity 'x*': expected ${names}`, 9);
    f('severity:constructor', `unknown severity 'constructor': expected ${names}`, 9);
    f('severity:>=__proto__', `unknown severity '__proto__': expected ${names}`, 11);
    f('severity:>=foo', `unknown severity 'foo': expected ${names}`, 11);
    f('severity:>=w*', `unknown severity 'w*': expected ${names}`, 11);
    f('severity:>=', `expected a severity after 'severity:>=', ${names}`, 11);
    f('facility:local9', /^unknown facility 'local9': expected one of kern, user, .*, local7$/, 9);
  });

  test('comparison values', () => {
    const unit = 'expected a number, optionally with a unit (500, 1000ms); quote text to search for it';
    f('status>=abc', `bad comparison value 'abc' in 'status>=abc': ${unit}`, 8);
    f('a<b', `bad comparison value 'b' in 'a<b': ${unit}`, 2);
    f('ip>10.1.2', `bad comparison value '10.1.2' in 'ip>10.1.2': ${unit}`, 3);
    f('x status>=', "expected a number after 'status>='", 10);
    f('severity>=warning', "bad comparison value 'warning' in 'severity>=warning': expected a number (did you mean severity:>=warning?)", 10);
  });

  test('absurd nesting is refused, not a stack overflow', () => {
    f('('.repeat(100_000), 'query nests deeper than 100 levels', 100);
    f('-'.repeat(100_000) + 'a', 'query nests deeper than 100 levels', 100);
    const ok = parse('('.repeat(99) + 'a' + ')'.repeat(99));
    expect(ok.ok).toBe(true);
  });

  test('regular expressions report the JavaScript error', () => {
    f('a ~"timeout ("', /^Invalid regular expression: .*Unterminated group/, 2);
    f('~"a{2,1}"', /^Invalid regular expression: .*out of order/, 0);
  });
});
