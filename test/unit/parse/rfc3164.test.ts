import { describe, expect, it } from 'vitest';
import { parsePri, parseRfc3164 } from '../../../server/parse/rfc3164.ts';
import type { ParsedLine, ParseOptions } from '../../../server/parse/types.ts';

const at = (iso: string) => Date.parse(iso);
const may30 = { now: new Date('2026-05-30T16:25:00Z'), timeZone: 'UTC' };

// `fields` and `flags` are compared exactly; everything else as a subset.
const f = (line: string, want: Partial<ParsedLine>, opts: Pick<ParseOptions, 'now' | 'timeZone'> = may30) => {
  const got = parseRfc3164(line, opts);
  expect(got).toMatchObject(want);
  expect(got.fields).toEqual(want.fields ?? {});
  expect(got.flags).toEqual(want.flags ?? []);
};

describe('parseRfc3164', () => {
  it('reads the classic BSD form', () => {
    f('<34>Oct 11 22:14:15 mymachine su: \'su root\' failed for lonvick on /dev/pts/8', {
      facility: 4, severity: 2, generatedAt: at('2025-10-11T22:14:15Z'), hostname: 'mymachine', program: 'su',
      message: "'su root' failed for lonvick on /dev/pts/8",
    });
    f('<13>May 30 16:24:40 web1 sshd[4242]: Accepted publickey', {
      facility: 1, severity: 5, generatedAt: at('2026-05-30T16:24:40Z'), hostname: 'web1', program: 'sshd',
      message: 'Accepted publickey', fields: { procid: '4242' },
    });
    f('<13>Jan  5 10:00:00 web1 app: two  spaces kept', { generatedAt: at('2026-01-05T10:00:00Z'), message: 'two  spaces kept' });
    f('<13>Jan 05 10:00:00 web1 app: x', { generatedAt: at('2026-01-05T10:00:00Z') });
    f('<13>Jan 5 10:00:00 web1 app: x', { generatedAt: at('2026-01-05T10:00:00Z') });
  });

  it('infers the year from the arrival time, across the new year', () => {
    const newYear = { now: new Date('2027-01-01T00:00:05Z'), timeZone: 'UTC' };
    f('<34>Dec 31 23:59:59 web1 app: hi', { generatedAt: at('2026-12-31T23:59:59Z'), hostname: 'web1', program: 'app', message: 'hi' }, newYear);
    // A sender whose clock is a little ahead, still in the old year on our side.
    f('<34>Jan  1 00:00:01 web1 app: hi', { generatedAt: at('2027-01-01T00:00:01Z') }, { now: new Date('2026-12-31T23:59:58Z'), timeZone: 'UTC' });
    // Up to two days in the future is this year; beyond that it was last year.
    f('<34>Jun  1 00:00:00 web1 app: hi', { generatedAt: at('2026-06-01T00:00:00Z') }, may30);
    f('<34>Jun  2 00:00:00 web1 app: hi', { generatedAt: at('2025-06-02T00:00:00Z') }, may30);
    // The zone decides: it is already 2027 in Tokyo.
    f('<34>Jan  1 08:00:00 web1 app: hi', { generatedAt: at('2026-12-31T23:00:00Z') }, { now: new Date('2026-12-31T23:30:00Z'), timeZone: 'Asia/Tokyo' });
    // Feb 29 exists only in leap years.
    f('<34>Feb 29 12:00:00 web1 app: hi', { generatedAt: at('2028-02-29T12:00:00Z') }, { now: new Date('2028-03-01T00:00:00Z'), timeZone: 'UTC' });
  });

  it('reads zone-less timestamps in opts.timeZone', () => {
    const ny = { now: new Date('2026-05-30T22:00:00Z'), timeZone: 'America/New_York' };
    f('<13>May 30 16:24:40 web1 app: x', { generatedAt: at('2026-05-30T20:24:40Z') }, ny);
    f('<13>Jan 30 16:24:40 web1 app: x', { generatedAt: at('2026-01-30T21:24:40Z') }, ny); // EST
    f('<13>May 30 16:24:40 UTC web1 app: x', { generatedAt: at('2026-05-30T16:24:40Z'), hostname: 'web1' }, ny);
    f('<13>May 30 16:24:40 web1 app: x', { generatedAt: at('2026-05-30T16:24:40Z') }, { now: ny.now, timeZone: 'Not/AZone' });
  });

  it('finds the TAG when the HOSTNAME is missing', () => {
    f('<13>Jan  5 10:00:00 app[12]: msg', { hostname: '', program: 'app', message: 'msg', fields: { procid: '12' } });
    f('<13>Jan  5 10:00:00 app: msg', { hostname: '', program: 'app', message: 'msg' });
    f('<13>Jan  5 10:00:00 app[12] msg', { hostname: '', program: 'app', message: 'msg', fields: { procid: '12' } });
  });

  it('reads tag variants after a HOSTNAME', () => {
    f('<30>May 30 16:24:40 web1 systemd[1]: Started nginx.', { hostname: 'web1', program: 'systemd', fields: { procid: '1' }, message: 'Started nginx.' });
    f('<30>May 30 16:24:40 web1 systemd[1] Started nginx.', { program: 'systemd', fields: { procid: '1' }, message: 'Started nginx.' });
    f('<30>May 30 16:24:40 web1 kernel: [ 0.000000] Linux', { program: 'kernel', message: '[ 0.000000] Linux' });
    f('<30>May 30 16:24:40 web1 no tag here', { hostname: 'web1', program: '', message: 'no tag here' });
    f('<30>May 30 16:24:40 web1', { hostname: 'web1', program: '', message: '' });
    f('<30>May 30 16:24:40 web1 app:', { program: 'app', message: '' });
  });

  it('reads ISO timestamps, with or without a zone (syslog-ng loggen, rsyslog)', () => {
    f('<38>2026-05-30T16:24:40 localhost prg00000[1234]: seq: 0000000000, thread: 0000', {
      facility: 4, severity: 6, generatedAt: at('2026-05-30T16:24:40Z'), hostname: 'localhost', program: 'prg00000',
      message: 'seq: 0000000000, thread: 0000', fields: { procid: '1234' },
    });
    f('<38>2026-05-30T16:24:40 localhost prg: x', { generatedAt: at('2026-05-30T14:24:40Z') }, { now: may30.now, timeZone: 'Europe/Paris' });
    f('<38>2026-05-30T16:24:40.123456+02:00 web1 app: x', { generatedAt: at('2026-05-30T14:24:40.123Z') });
    f('<38>2026-05-30T16:24:40.5Z web1 app: x', { generatedAt: at('2026-05-30T16:24:40.500Z') });
  });

  it('reads timestamps with a year and with milliseconds', () => {
    f('<13>Jan  5 2026 10:00:00 web1 app: x', { generatedAt: at('2026-01-05T10:00:00Z'), hostname: 'web1' });
    f('<13>Jan  5 2020 10:00:00.250 web1 app: x', { generatedAt: at('2020-01-05T10:00:00.250Z') });
    f('<13>May 30 16:24:40.123 web1 app: x', { generatedAt: at('2026-05-30T16:24:40.123Z') });
  });

  it('keeps the text when there is a PRI but no timestamp', () => {
    f('<13>hello world', { facility: 1, severity: 5, generatedAt: null, message: 'hello world' });
    f('<13>app: hello', { program: 'app', message: 'hello' });
    f('<13>12: not a sequence', { message: '12: not a sequence' });
    f('<13>', { message: '' });
  });

  it('reads lines without PRI as user.notice when they start with a timestamp', () => {
    f('Jan  5 10:00:00 web1 app: x', { facility: 1, severity: 5, hostname: 'web1', program: 'app', message: 'x' });
    f('2026-05-30T16:24:40Z web1 app: x', { hostname: 'web1', generatedAt: at('2026-05-30T16:24:40Z') });
  });

  it('reads any other text without PRI as the message of a user.notice event (§4.3.3)', () => {
    f('garbage', { facility: 1, severity: 5, generatedAt: null, hostname: '', program: '', message: 'garbage' });
    f('hello from netcat: a line', { facility: 1, severity: 5, program: '', message: 'hello from netcat: a line' });
    // Python logging's date is the message's, not a syslog timestamp: its level word stays in the text.
    f('2020-05-30 16:24:40,438 ERROR app: boom', { generatedAt: null, message: '2020-05-30 16:24:40,438 ERROR app: boom' });
    f('', { message: '' });
  });

  it('flags a PRI that is not one, keeping the raw line', () => {
    f('<999>Jan  5 10:00:00 web1 app: x', { message: '<999>Jan  5 10:00:00 web1 app: x', flags: ['unparsed'] });
    f('<abc>x', { message: '<abc>x', flags: ['unparsed'] });
  });
});

describe('parsePri', () => {
  const g = (line: string, want: ReturnType<typeof parsePri>) => expect(parsePri(line)).toEqual(want);
  it('reads 0..191 and nothing else', () => {
    g('<0>', { facility: 0, severity: 0, end: 3 });
    g('<191>x', { facility: 23, severity: 7, end: 5 });
    g('<13>', { facility: 1, severity: 5, end: 4 });
    g('<192>', null);
    g('<>', null);
    g('<1234>', null);
    g('<1a>', null);
    g('13>', null);
    g('<13', null);
  });
});
