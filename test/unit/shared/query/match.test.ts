import { describe, expect, test } from 'vitest';
import type { Event } from '../../../../shared/event.ts';
import { parse } from '../../../../shared/query/parse.ts';
import {
  compileMatcher, matches, numericValue, severityCompareCodes, severityValueCodes, facilityValueCodes, wildcardToRegExp,
  type MatchContext,
} from '../../../../shared/query/match.ts';

function ev(over: Partial<Event> = {}): Event {
  return {
    id: '1',
    received_at: '2026-05-30T16:24:40.438Z',
    generated_at: null,
    display_received_at: 'May 30 16:24:40',
    source_ip: '10.81.229.85',
    source_id: 3,
    source_name: 'web-1',
    hostname: 'ip-10-0-0-7',
    program: 'app/web.1',
    severity: 'Info',
    facility: 'Local7',
    message: 'hello',
    fields: {},
    flags: [],
    ...over,
  };
}

const groups: MatchContext = { inGroup: (g, e) => g.toLowerCase() === 'prod' && e.source_name.startsWith('web-') };

// f(query, event fields, want): the query's verdict on one event.
const f = (q: string, over: Partial<Event>, want: boolean, ctx: MatchContext = groups) => {
  const r = parse(q);
  if (!r.ok) throw new Error(`parse(${JSON.stringify(q)}): ${r.error.message}`);
  expect(matches(r.ast, ev(over), ctx), `${q} on ${JSON.stringify(over)}`).toBe(want);
};

describe('match: terms and phrases are case-insensitive substrings', () => {
  test('of the sender name, program or message only', () => {
    f('', {}, true);
    f('error', { message: 'Connection ERROR from db' }, true);
    f('ERROR', { message: 'no errors here' }, true);
    f('error', { message: 'fine' }, false);
    f('web-1', { message: 'x' }, true);
    f('web.1', { message: 'x' }, true);
    f('ip-10', { message: 'x' }, false); // hostname is reached only by host:
    f('info', { message: 'x' }, false); // severity only by severity:
    f('local7', { message: 'x' }, false); // facility only by facility:
    f('Ünïcode', { message: 'ÜNÏCODE text' }, true);
  });

  test('Papertrail examples', () => {
    f('status=50', { message: 'at=info status=502 bytes=12' }, true);
    f('status=50', { message: 'status=200' }, false);
    f('"1 packet"', { message: '1 packets transmitted' }, true);
    // Matches start at a word boundary (the rule a word index can answer; see containsAtWordStart).
    f('"1 packet"', { message: '21 packets transmitted' }, false);
    f('err', { message: 'fatal error' }, true);
    f('rror', { message: 'fatal error' }, false);
    f('~"rror"', { message: 'fatal error' }, true);
    f('=502', { message: 'status=502' }, true);
    f('10.1.2', { message: 'from 10.1.2.3 port 22' }, true);
    f('/add_list', { message: 'GET /add_list?x=1 HTTP/1.1' }, true);
    f('/api/v1/', { message: 'POST /api/v1/events' }, true);
    f('ops@example.com', { message: 'mail to OPS@Example.com bounced' }, true);
    f('H12', { message: 'at=error code=H12 desc="Request timeout"' }, true);
    f('app/web.1', { message: 'x' }, true);
    f('foo:bar', { message: 'key foo:bar seen' }, true);
    f('http://x.example', { message: 'fetch http://x.example/a' }, true);
  });

  test('boolean operators', () => {
    f('timeout db', { message: 'db timeout' }, true);
    f('timeout db', { message: 'timeout' }, false);
    f('timeout OR refused', { message: 'connection refused' }, true);
    f('timeout or refused', { message: 'connection refused' }, false); // lower-case `or` is a term
    f('timeout or refused', { message: 'timeout or refused' }, true);
    f('-healthcheck', { message: 'GET /healthcheck' }, false);
    f('-healthcheck', { message: 'GET /' }, true);
    f('-("TTL exceeded" OR "1 packet")', { message: 'ttl exceeded in transit' }, false);
    f('-("TTL exceeded" OR "1 packet")', { message: '1 packets' }, false);
    f('-("TTL exceeded" OR "1 packet")', { message: 'ok' }, true);
    f('apple pear OR fig', { message: 'fig' }, true);
    f('apple pear OR fig', { message: 'pear apple' }, true);
    f('apple pear OR fig', { message: 'apple' }, false);
    f('(a OR b) -c', { message: 'b', source_name: 's', program: 'p' }, true);
    f('(a OR b) -c', { message: 'b c', source_name: 's', program: 'p' }, false);
  });
});

describe('match: attributes', () => {
  test('whole-value attributes with * wildcards', () => {
    f('sender:web-1', {}, true);
    f('sender:WEB-1', {}, true);
    f('sender:web', {}, false);
    f('sender:web-*', { source_name: 'web-12' }, true);
    f('sender:web-*', { source_name: 'db-1' }, false);
    f('program:*router', { program: 'heroku/router' }, true);
    f('program:*router', { program: 'heroku/router.1' }, false);
    f('program:app/web.1', {}, true);
    f('program:(production.log staging.log)', { program: 'staging.log' }, true);
    f('program:(production.log staging.log)', { program: 'dev.log' }, false);
    f('program:a.c', { program: 'abc' }, false); // `.` is literal
    f('program:"a*c"', { program: 'aXYc' }, true); // `*` is a wildcard, quoted or not
    f('host:ip-10-*', {}, true);
    f('host:web-1', {}, false);
  });

  test('message: is a substring of the message only', () => {
    f('message:hell', {}, true);
    f('message:ell', {}, false);
    f('message:web', {}, false);
    f('message:"a*b"', { message: 'x a*by' }, true);
    f('message:"a*b"', { message: 'xa*by' }, false);
    f('message:"a*b"', { message: 'axxb' }, false);
    f('message:(foo hel)', {}, true);
  });

  test('severity and facility', () => {
    f('severity:info', {}, true);
    f('severity:err', { severity: 'Error' }, true);
    f('severity:(warn crit)', { severity: 'Critical' }, true);
    f('severity:(warn crit)', { severity: 'Error' }, false);
    f('severity:e*', { severity: 'Emergency' }, true);
    f('severity:>=warning', { severity: 'Warning' }, true);
    f('severity:>=warning', { severity: 'Emergency' }, true);
    f('severity:>=warning', { severity: 'Notice' }, false);
    f('severity:>warning', { severity: 'Warning' }, false);
    f('severity:<=info', { severity: 'Debug' }, true);
    f('severity:<=info', { severity: 'Error' }, false);
    f('severity:<info', { severity: 'Info' }, false);
    f('severity:=error', { severity: 'Error' }, true);
    f('facility:local7', {}, true);
    f('facility:local*', { facility: 'Local0' }, true);
    f('facility:kern', {}, false);
  });

  test('group: asks the context, and is false without one', () => {
    f('group:prod', {}, true);
    f('group:prod', { source_name: 'db-1' }, false);
    f('group:prod', {}, false, {});
    f('-group:prod', {}, true, {});
  });
});

describe('match: field comparisons and regular expressions', () => {
  test('numeric comparisons on fields', () => {
    f('status>=500', { fields: { status: '502' } }, true);
    f('status>=500', { fields: { status: '200' } }, false);
    f('status>=500', { fields: {} }, false);
    f('status>=500', { fields: { status: '' } }, false);
    f('status>=500', { fields: { status: 'abc' } }, false);
    f('-status>=500', { fields: {} }, true);
    f('service>1000ms', { fields: { service: '30000ms' } }, true);
    f('service>1000ms', { fields: { service: '12ms' } }, false);
    f('bytes<100', { fields: { bytes: '99' } }, true);
    f('bytes<100', { fields: { bytes: '100' } }, false);
    f('bytes<=100', { fields: { bytes: '100' } }, true);
    f('load>0.5', { fields: { load: '0.75' } }, true);
    f('temp<-5', { fields: { temp: '-10C' } }, true);
    f('toString>0', { fields: {} }, false); // inherited properties are not fields
    f('Status>=500', { fields: { status: '502' } }, false); // field names are exact
  });

  test('regular expressions over the message, case-insensitive', () => {
    f('~"timeout after \\d+ms"', { message: 'Timeout after 250ms' }, true);
    f('~"timeout after \\d+ms"', { message: 'timeout after ms' }, false);
    f('~"^GET"', { message: 'xGET' }, false);
    f('~"web"', { message: 'x' }, false); // not the sender
    f('~"a\\"b"', { message: 'a"b' }, true);
  });

  test('a compiled matcher is reusable (no sticky regex state)', () => {
    const r = parse('~"a" OR sender:w*');
    if (!r.ok) throw new Error(r.error.message);
    const m = compileMatcher(r.ast);
    expect([m(ev({ message: 'a' })), m(ev({ message: 'a' })), m(ev({ message: 'b', source_name: 'x' }))]).toEqual([true, true, false]);
  });
});

describe('match: value helpers shared with the SQL compiler', () => {
  test('numericValue parses a leading number and ignores a unit', () => {
    const f = (s: string, want: number | undefined) => expect(numericValue(s), s).toBe(want);
    f('500', 500);
    f('12ms', 12);
    f('30000ms', 30000);
    f(' 42 ', 42);
    f('-0.5', -0.5);
    f('+3', 3);
    f('.5s', 0.5);
    f('99%', 99);
    f('5MB', 5);
    f('10/s', 10);
    f('20°C', 20);
    f('', undefined);
    f('abc', undefined);
    f('10.1.2', undefined);
    f('1,000', undefined);
    f('0x1f', undefined);
    f('12 ms', undefined);
    f('-', undefined);
  });

  test('wildcardToRegExp is anchored, escaped and case-insensitive', () => {
    const f = (pattern: string, value: string, want: boolean) => expect(wildcardToRegExp(pattern).test(value), `${pattern} ~ ${value}`).toBe(want);
    f('web-*', 'web-12', true);
    f('web-*', 'xweb-1', false);
    f('*router', 'heroku/router', true);
    f('a.c', 'abc', false);
    f('a+(b)', 'A+(B)', true);
    f('*', '', true);
    f('a*b*c', 'aXXbYYc', true);
    f('[x]', '[X]', true);
  });

  test('severity and facility codes', () => {
    expect(severityValueCodes('warn')).toEqual([4]);
    expect(severityValueCodes('e*')).toEqual([0, 3]);
    expect(severityValueCodes('nope')).toEqual([]);
    expect(facilityValueCodes('local*')).toEqual([16, 17, 18, 19, 20, 21, 22, 23]);
    expect(severityCompareCodes({ type: 'severityCompare', op: '>=', code: 4, start: 0, end: 0 })).toEqual([0, 1, 2, 3, 4]);
    expect(severityCompareCodes({ type: 'severityCompare', op: '<', code: 6, start: 0, end: 0 })).toEqual([7]);
  });
});
