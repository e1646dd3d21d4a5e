import { describe, expect, it } from 'vitest';
import { parsePlainLine, parseSyslog, type SyslogParseOptions } from '../../../server/parse/syslog.ts';
import type { ParsedLine } from '../../../server/parse/types.ts';

const opts: SyslogParseOptions = { now: new Date('2026-05-30T16:25:00Z'), timeZone: 'UTC', maxMessageBytes: 65536 };
const utf8 = (s: string) => new TextEncoder().encode(s);
const heroku: SyslogParseOptions = { ...opts, heroku: true }; // logplex frames of an HTTPS drain
const viaDrain: SyslogParseOptions = { ...opts, viaDrain: true }; // other lines of an HTTPS drain

// `flags` compared exactly; fields and the rest as a subset.
const f = (frame: string | Uint8Array, want: Partial<ParsedLine>, o: SyslogParseOptions = opts) => {
  const got = parseSyslog(frame, o);
  expect(got).toMatchObject(want);
  expect(got.flags).toEqual(want.flags ?? []);
};

describe('parseSyslog', () => {
  it('follows the STYLE examples, Heroku framing only for drain traffic (DESIGN 3)', () => {
    f('<165>1 2023-06-03T17:42:32Z host app 123 ID47 - hi', { hostname: 'host', program: 'app/123' }, viaDrain);
    f('<165>1 2023-06-03T17:42:32Z host app 123 ID47 - hi', { hostname: 'host', program: 'app', message: 'hi', fields: { procid: '123', msgid: 'ID47' } });
    f('garbage', { message: 'garbage', facility: 1, severity: 5 });
  });

  it('reads a syslog sender called `host` as itself, and a drain token in HOSTNAME as Heroku', () => {
    f('<13>1 2025-03-15T11:59:58Z host app - - - -', { hostname: 'host', program: 'app', message: '-' });
    f('<13>1 2025-03-15T11:59:58Z host app - - - -', { hostname: 'host', program: 'app', message: '- -' }, viaDrain);
    f('<190>1 2026-05-30T16:24:40Z d.73ea7440-270a-435a-a0ea-adf50b4e6f5a app web.1 - [x] y', { program: 'app/web.1', message: '[x] y' });
  });

  it('infers severity on Heroku router errors and keeps the wire severity', () => {
    f('<158>1 2026-05-30T16:24:40.438+00:00 host heroku router - at=error code=H12 desc="Request timeout" method=GET path="/" host=myapp.herokuapp.com request_id=abc fwd="1.2.3.4" dyno=web.1 connect=0ms service=30000ms status=503 bytes=0 protocol=https', {
      facility: 19, severity: 3, generatedAt: Date.parse('2026-05-30T16:24:40.438Z'), hostname: 'host', program: 'heroku/router',
      fields: { at: 'error', code: 'H12', desc: 'Request timeout', status: '503', dyno: 'web.1', service: '30000ms', syslog_severity: 'Info' },
      flags: ['severity_inferred'],
    }, heroku);
    // at=info on a local3.info line: nothing to infer.
    const ok = parseSyslog('<158>1 2026-05-30T16:24:40.438+00:00 host heroku router - at=info method=GET path="/" status=200', heroku);
    expect(ok).toMatchObject({ severity: 6, flags: [] });
    expect(ok.fields).not.toHaveProperty('syslog_severity');
  });

  it('reads Heroku app and platform lines', () => {
    f('<190>1 2026-05-30T16:24:40.431+00:00 host app web.1 - Started GET "/" for 1.2.3.4 at 2026-05-30 16:24:40 +0000', {
      facility: 23, severity: 6, program: 'app/web.1', message: 'Started GET "/" for 1.2.3.4 at 2026-05-30 16:24:40 +0000',
    }, heroku);
    f('<190>1 2026-05-30T16:24:40.431+00:00 host app web.1 - [DATABASE] could not connect', { program: 'app/web.1', message: '[DATABASE] could not connect', fields: {} }, heroku);
    f('<172>1 2026-05-30T16:24:40.431+00:00 host heroku web.1 - Error R14 (Memory quota exceeded)', {
      severity: 3, program: 'heroku/web.1', fields: { syslog_severity: 'Warning' }, flags: ['severity_inferred'],
    }, heroku);
    f('<172>1 2026-05-30T16:24:40.431+00:00 host heroku logplex - Error L10 (output buffer overflow): 500 messages dropped since 2026-05-30T16:24:40+00:00.', {
      severity: 4, program: 'heroku/logplex',
    }, heroku);
    f('<190>1 2026-05-30T16:24:40.431+00:00 host app web.1 - 2020-05-30 16:24:40,438 ERROR app: boom', {
      severity: 3, fields: { syslog_severity: 'Info' }, flags: ['severity_inferred'],
    }, heroku);
    f('<190>1 2026-05-30T16:24:40.431+00:00 host app postgres.1 - [DATABASE] sql_error_code=28000 FATAL: password authentication failed', {
      severity: 6, fields: { sql_error_code: '28000' },
    }, heroku);
    f('<190>1 2026-05-30T16:24:40.431+00:00 host app web.1 - no errors found', { severity: 6 }, heroku);
    f('<190>1 2026-05-30T16:24:40Z myhost myapp web.1 - [x] y', { program: 'myapp/web.1', message: '[x] y' }, heroku);
  });

  it('puts logfmt pairs into fields without overwriting SD-PARAMs or header fields', () => {
    f('<14>1 2026-05-30T16:24:40Z h app 42 ID1 [m@1 status="1"] status=2 procid=9 msgid=x other=3', {
      fields: { status: '1', procid: '42', msgid: 'ID1', other: '3' },
    });
  });

  it('reads RFC 3164 lines', () => {
    f('<34>Dec 31 23:59:59 web1 app: hi', { generatedAt: Date.parse('2026-12-31T23:59:59Z'), hostname: 'web1', program: 'app', message: 'hi' },
      { ...opts, now: new Date('2027-01-01T00:00:05Z') });
    f('<13>Jan  5 10:00:00 app[12]: msg', { hostname: '', program: 'app', message: 'msg', fields: { procid: '12' } });
    f('<13>May 30 16:24:40 web1 app: ERROR boom', { severity: 3, fields: { syslog_severity: 'Notice' }, flags: ['severity_inferred'] });
  });

  it('reads a line without PRI (netcat, a misconfigured app) as an ordinary user.notice event', () => {
    f('May 30 16:24:40 web1 app: hi', { facility: 1, severity: 5, hostname: 'web1', message: 'hi' });
    f('just some text', { facility: 1, severity: 5, generatedAt: null, hostname: '', program: '', message: 'just some text' });
    f('just some text\n', { message: 'just some text' });
    f('', { message: '' });
    f('ERROR disk full', { severity: 3, message: 'ERROR disk full', fields: { syslog_severity: 'Notice' }, flags: ['severity_inferred'] });
    f('  indented text', { message: '  indented text' });
    f('\r\nline end first', { message: 'line end first' });
  });

  it('keeps what it cannot read, flagged', () => {
    f('<999>1 x', { message: '<999>1 x', flags: ['unparsed'] });
    f('<14>1 broken', { facility: 1, severity: 6, message: '<14>1 broken', flags: ['unparsed'] });
    f('<13>1 2025-03-15T11:59:58Z host app 1 ID', { hostname: 'host', message: '<13>1 2025-03-15T11:59:58Z host app 1 ID', flags: ['unparsed'] });
  });

  it('skips blanks and line ends before the PRI', () => {
    f('\r\n<13>May 30 16:24:40 web1 app: hi', { severity: 5, hostname: 'web1', program: 'app', message: 'hi' });
    f('  \t<13>1 2026-05-30T16:24:40Z web1 app - - - hi', { hostname: 'web1', program: 'app', message: 'hi' });
    f(utf8('\n<189>1: *Mar  1 00:00:15.123: %SYS-5-CONFIG_I: x\n'), { program: 'SYS', message: '%SYS-5-CONFIG_I: x' });
  });

  it('reads Cisco IOS and ASA lines as Cisco wrote them, not as unparsed', () => {
    f('<189>123: *Mar  1 00:00:15.123: %SYS-5-CONFIG_I: Configured from console by console', {
      facility: 23, severity: 5, generatedAt: Date.parse('2026-03-01T00:00:15.123Z'), hostname: '', program: 'SYS',
      message: '%SYS-5-CONFIG_I: Configured from console by console', fields: { seq: '123' },
    });
    f('<187>4567: router-1: Mar 15 11:22:33.456 UTC: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down', {
      severity: 3, hostname: 'router-1', program: 'LINK', message: '%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down', fields: { seq: '4567' },
    });
    f('<166>%ASA-4-106023: Deny tcp src outside:10.0.0.1/1234 dst inside:10.0.0.2/80 by access-group "outside_in"', {
      program: 'ASA', message: '%ASA-4-106023: Deny tcp src outside:10.0.0.1/1234 dst inside:10.0.0.2/80 by access-group "outside_in"',
    });
    f('<164>Mar 15 2025 11:22:33: %ASA-4-106023: Deny tcp', { generatedAt: Date.parse('2025-03-15T11:22:33Z'), program: 'ASA', message: '%ASA-4-106023: Deny tcp' });
  });

  it('strips newline-framing leftovers', () => {
    f('<13>May 30 16:24:40 web1 app: hi\n', { message: 'hi' });
    f('<13>May 30 16:24:40 web1 app: hi\r\n', { message: 'hi' });
    f('<13>May 30 16:24:40 web1 app: hi\0\0', { message: 'hi' });
    f('<13>May 30 16:24:40 web1 app: hi\n\n', { message: 'hi\n' }); // only one
    f(utf8('<40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed from starting to up\n'), { message: 'State changed from starting to up' });
  });

  it('decodes bytes and flags invalid UTF-8', () => {
    f(utf8('<13>May 30 16:24:40 web1 app: grüße'), { message: 'grüße' });
    f(new Uint8Array([...utf8('<13>May 30 16:24:40 web1 app: a'), 0xff, 0x62]), { message: 'a\uFFFDb', flags: ['invalid_utf8'] });
  });

  it('truncates long messages to maxMessageBytes and flags them', () => {
    const small = { ...opts, maxMessageBytes: 10 };
    f('<13>May 30 16:24:40 web1 app: 0123456789abc', { message: '0123456789', hostname: 'web1', flags: ['truncated'] }, small);
    f(utf8(`<13>May 30 16:24:40 web1 app: ${'é'.repeat(6)}`), { message: 'ééééé', flags: ['truncated'] }, small);
    f(`<13>May 30 16:24:40 web1 app: ${'x'.repeat(9000)}`, { flags: ['truncated'] }, small);
    f(utf8(`<13>May 30 16:24:40 web1 app: ${'x'.repeat(20000)}`), { message: 'xxxxxxxxxx', flags: ['truncated'] }, small);
  });
});

describe('parsePlainLine', () => {
  const g = (line: string, want: Partial<ParsedLine>, o: SyslogParseOptions = opts) => {
    const got = parsePlainLine(line, o);
    expect(got).toMatchObject(want);
    expect(got.flags).toEqual(want.flags ?? []);
  };
  it('reads plain text as user.info, with fields and inferred severity', () => {
    g('hello world', { facility: 1, severity: 6, generatedAt: null, hostname: '', program: '', message: 'hello world' });
    g('method=GET status=200', { severity: 6, fields: { method: 'GET', status: '200' } });
    g('2020-05-30 16:24:40,438 ERROR app: boom', { severity: 3, fields: { syslog_severity: 'Info' }, flags: ['severity_inferred'] });
    g('level=debug x', { severity: 7, flags: ['severity_inferred'] });
    g('trailing\r', { message: 'trailing' });
    g('', { message: '' });
  });
  it('reads lines that start with a PRI as syslog', () => {
    g('<13>May 30 16:24:40 web1 app: hi', { severity: 5, hostname: 'web1', program: 'app', message: 'hi' });
    g('<40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed', { program: 'app/web.3', message: 'State changed' }, viaDrain);
    g('<40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed', { program: 'app', message: 'State changed', fields: { procid: 'web.3' } });
    g(' <13>May 30 16:24:40 web1 app: hi', { hostname: 'web1', program: 'app', message: 'hi' });
  });
});
