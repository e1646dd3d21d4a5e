import { describe, expect, it } from 'vitest';
import { isDrainToken, parseRfc5424, type Rfc5424Options } from '../../../server/parse/rfc5424.ts';
import type { ParsedLine } from '../../../server/parse/types.ts';

const BOM = '\uFEFF';
const at = (iso: string) => Date.parse(iso);

// `fields` and `flags` are compared exactly; everything else as a subset.
const f = (line: string, want: Partial<ParsedLine>, opts: Rfc5424Options = {}) => {
  const got = parseRfc5424(line, opts);
  expect(got).toMatchObject(want);
  if (want.fields) expect(got.fields).toEqual(want.fields);
  expect(got.flags).toEqual(want.flags ?? []);
};

describe('parseRfc5424', () => {
  it('drops the one extra space rsyslog forwards before an RFC 3164 message, and keeps indentation', () => {
    f('<14>1 2026-11-28T09:00:00+00:00 web-7 checkout 42 - -  forwarded by rsyslog', { program: 'checkout', message: 'forwarded by rsyslog', fields: { procid: '42' } });
    f('<14>1 2026-11-28T09:00:00+00:00 web-7 java 42 - -     at Foo.bar(Foo.java:1)', { message: '    at Foo.bar(Foo.java:1)', fields: { procid: '42' } });
  });

  it('reads the RFC 5424 §6.5 examples (BOM written as U+FEFF)', () => {
    // Example 1: no STRUCTURED-DATA, BOM before MSG.
    f(`<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ${BOM}'su root' failed for lonvick on /dev/pts/8`, {
      facility: 4, severity: 2, generatedAt: at('2003-10-11T22:14:15.003Z'), hostname: 'mymachine.example.com',
      program: 'su', message: "'su root' failed for lonvick on /dev/pts/8", fields: { msgid: 'ID47' },
    });
    // Example 2: microsecond timestamp with offset, no MSGID, no BOM.
    f("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.", {
      facility: 20, severity: 5, generatedAt: at('2003-08-24T12:14:15.000Z'), hostname: '192.0.2.1',
      program: 'myproc', message: "%% It's time to make the do-nuts.", fields: { procid: '8710' },
    });
    // Example 3: one SD element: params keep their bare names.
    f(`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] ${BOM}An application event log entry...`, {
      program: 'evntslog', message: 'An application event log entry...',
      fields: { msgid: 'ID47', iut: '3', eventSource: 'Application', eventID: '1011' },
    });
    // Example 4: two SD elements, no MSG: params become sdid.name.
    f('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]', {
      message: '',
      fields: {
        msgid: 'ID47', 'exampleSDID@32473.iut': '3', 'exampleSDID@32473.eventSource': 'Application',
        'exampleSDID@32473.eventID': '1011', 'examplePriority@32473.class': 'high',
      },
    });
  });

  it('reads timestamps with 1 to 9 fractional digits and any offset', () => {
    const g = (ts: string, iso: string | null) => f(`<14>1 ${ts} h a - - - x`, { generatedAt: iso === null ? null : at(iso) });
    g('1985-04-12T23:20:50.52Z', '1985-04-12T23:20:50.520Z'); // §6.2.3.1 example 1
    g('1985-04-12T19:20:50.52-04:00', '1985-04-12T23:20:50.520Z'); // example 2
    g('2026-05-30T16:24:40Z', '2026-05-30T16:24:40.000Z');
    g('2026-05-30T16:24:40.1+00:00', '2026-05-30T16:24:40.100Z');
    g('2026-05-30T16:24:40.123456789+05:30', '2026-05-30T10:54:40.123Z');
    g('2026-05-30T16:24:40.999999999Z', '2026-05-30T16:24:40.999Z');
    g('2026-05-30T16:24:40+0200', '2026-05-30T14:24:40.000Z');
    g('-', null);
    g('2026-13-30T16:24:40Z', null); // month 13
    g('2026-02-30T16:24:40Z', null);
    g('yesterday', null);
  });

  it('reads NILVALUE header fields as absent', () => {
    f('<14>1 - - - - - -', { generatedAt: null, hostname: '', program: '', message: '', fields: {} });
    f('<14>1 - - - - - - hello', { message: 'hello', fields: {} });
    f('<14>1 - - - - -', { message: '<14>1 - - - - -', fields: {}, flags: ['unparsed'] }); // STRUCTURED-DATA missing altogether
  });

  it('keeps IPv6 hostnames whole', () => {
    f('<14>1 2026-05-30T16:24:40Z 2001:db8::1 app 42 - - hi', { hostname: '2001:db8::1', program: 'app', fields: { procid: '42' } });
    f('<14>1 2026-05-30T16:24:40Z ::1 app - - - hi', { hostname: '::1' });
  });

  it('unescapes the three SD-PARAM escapes and keeps any other backslash', () => {
    f(String.raw`<14>1 - h a - - [x@1 q="say \"hi\"" b="a\\b" c="[1\]" d="C:\dir"] m`, {
      message: 'm', fields: { q: 'say "hi"', b: 'a\\b', c: '[1]', d: 'C:\\dir' },
    });
    f('<14>1 - h a - - [x@1 v="" w="ünï ✓"] m', { fields: { v: '', w: 'ünï ✓' } });
    f('<14>1 - h a - - [x@1][y@2 k="v"] m', { message: 'm', fields: { 'y@2.k': 'v' } });
    f('<14>1 - h a - - [x@1 __proto__="p"] m', { fields: { ['__proto__']: 'p' } });
  });

  it('keeps unreadable structured data as message text', () => {
    f('<14>1 - h a - - [not sd at all', { message: '[not sd at all', fields: {} });
    f('<14>1 - h a - - [x@1 k=v] m', { message: '[x@1 k=v] m', fields: {} });
    f('<14>1 - h a - - -message', { message: '-message' });
  });

  it('reads Heroku frames that came through a drain: no STRUCTURED-DATA, program APP-NAME/PROCID', () => {
    const drain = { viaDrain: true };
    f('<190>1 2026-05-30T16:24:40.431+00:00 host app web.1 - Started GET "/" for 1.2.3.4', {
      facility: 23, severity: 6, hostname: 'host', program: 'app/web.1', message: 'Started GET "/" for 1.2.3.4', fields: {},
    }, drain);
    f('<190>1 2026-05-30T16:24:40.431+00:00 host app web.1 - [DATABASE] connection pool exhausted', {
      program: 'app/web.1', message: '[DATABASE] connection pool exhausted', fields: {},
    }, drain);
    f('<158>1 2026-05-30T16:24:40.438+00:00 host heroku router - at=info method=GET', { program: 'heroku/router', message: 'at=info method=GET' }, drain);
    f('<165>1 2023-06-03T17:42:32Z host app 123 ID47 - hi', { hostname: 'host', program: 'app/123', message: '- hi', fields: { msgid: 'ID47' } }, drain);
    // Heroku syslog drains: the drain token in HOSTNAME, whatever the transport.
    f('<40>1 2012-11-30T06:45:29+00:00 d.73ea7440-270a-435a-a0ea-adf50b4e6f5a app web.3 - State changed from starting to up', {
      hostname: 'd.73ea7440-270a-435a-a0ea-adf50b4e6f5a', program: 'app/web.3', message: 'State changed from starting to up',
    });
    // Forced on (HTTPS drains), forced off.
    f('<190>1 2026-05-30T16:24:40Z myhost myapp web.1 - [x] y', { program: 'myapp/web.1', message: '[x] y' }, { heroku: true });
    f('<190>1 2026-05-30T16:24:40Z host app web.1 - - y', { program: 'app', message: 'y', fields: { procid: 'web.1' } }, { heroku: false });
    f('<190>1 2026-05-30T16:24:40Z host app - - y', { program: 'app', message: 'y' }, { heroku: true });
  });

  it('reads a syslog sender whose host is called `host` as RFC 5424, not as Heroku (DESIGN 3)', () => {
    f('<13>1 2025-03-15T11:59:58Z host app - - - -', { hostname: 'host', program: 'app', message: '-', fields: {} });
    f('<13>1 2025-03-15T11:59:58Z host heroku router - - at=info', { hostname: 'host', program: 'heroku', message: 'at=info', fields: { procid: 'router' } });
    f('<165>1 2023-06-03T17:42:32Z host app 123 ID47 [x@1 k="v"] hi', { program: 'app', message: 'hi', fields: { procid: '123', msgid: 'ID47', k: 'v' } });
  });

  it('keeps a header cut short after the MSGID as the message, flagged', () => {
    const cut = '<13>1 2025-03-15T11:59:58Z host app 1 ID';
    f(cut, { facility: 1, severity: 5, hostname: 'host', program: 'app', generatedAt: at('2025-03-15T11:59:58Z'), message: cut, flags: ['unparsed'] });
    f(`${cut} `, { message: `${cut} `, flags: ['unparsed'] }); // SP, then no STRUCTURED-DATA
    f(cut, { message: cut, flags: ['unparsed'] }, { viaDrain: true });
    f('<190>1 2026-05-30T16:24:40Z host app web.1 -', { message: '<190>1 2026-05-30T16:24:40Z host app web.1 -', flags: ['unparsed'] }, { heroku: true });
    // Complete headers with no MSG are no such thing: their message is empty.
    f('<13>1 2025-03-15T11:59:58Z host app 1 ID -', { message: '', fields: { procid: '1', msgid: 'ID' } });
    f('<190>1 2026-05-30T16:24:40Z host app web.1 - ', { program: 'app/web.1', message: '' }, { heroku: true });
  });

  it('flags lines whose header is not RFC 5424', () => {
    f('<14>2 2026-05-30T16:24:40Z h a - - - x', { facility: 1, severity: 6, message: '<14>2 2026-05-30T16:24:40Z h a - - - x', flags: ['unparsed'] });
    f('<14>1 2026-05-30T16:24:40Z h', { message: '<14>1 2026-05-30T16:24:40Z h', flags: ['unparsed'] });
    f('<999>1 - - - - - - x', { facility: 1, severity: 5, flags: ['unparsed'] });
  });

  it('reads a zone-less TIMESTAMP in the configured zone', () => {
    f('<14>1 2026-05-30T16:24:40 h a - - - x', { generatedAt: at('2026-05-30T14:24:40Z') }, { timeZone: 'Europe/Berlin' });
    f('<14>1 2026-05-30T16:24:40 h a - - - x', { generatedAt: at('2026-05-30T16:24:40Z') });
  });
});

describe('isDrainToken', () => {
  it('knows a drain token from any other hostname, whatever it saw before', () => {
    const token = 'd.01234567-89ab-cdef-0123-456789abcdef';
    const f = (hostname: string, want: boolean) => expect(isDrainToken(hostname), hostname).toBe(want);
    f('', false);
    f(token, true);
    f(token, true); // the remembered one
    f('', false);
    f('host', false);
    f(token.toUpperCase().replace('D.', 'd.'), true);
    f(`${token.slice(0, -1)}g`, false);
    f(`${token}0`, false);
    f('d.0123456789abcdef0123456789abcdef0123', false); // 38 characters, not a UUID
  });
});
