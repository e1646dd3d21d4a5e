import { describe, expect, it } from 'vitest';
import { parseCisco } from '../../../server/parse/cisco.ts';
import type { ParsedLine, ParseOptions } from '../../../server/parse/types.ts';

const at = (iso: string) => Date.parse(iso);
const may30 = { now: new Date('2026-05-30T16:25:00Z'), timeZone: 'UTC' };

// `fields` and `flags` are compared exactly; everything else as a subset.
const f = (line: string, want: Partial<ParsedLine>, opts: Pick<ParseOptions, 'now' | 'timeZone'> = may30) => {
  const got = parseCisco(line, opts);
  expect(got).toMatchObject(want);
  expect(got!.fields).toEqual(want.fields ?? {});
  expect(got!.flags).toEqual([]);
};
const notCisco = (line: string) => expect(parseCisco(line, may30)).toBeNull();

describe('parseCisco', () => {
  it('reads IOS lines: counter, time-sync marker, milliseconds; the message keeps the mnemonic', () => {
    f('<189>123: *Mar  1 00:00:15.123: %SYS-5-CONFIG_I: Configured from console by console', {
      facility: 23, severity: 5, generatedAt: at('2026-03-01T00:00:15.123Z'), hostname: '', program: 'SYS',
      message: '%SYS-5-CONFIG_I: Configured from console by console', fields: { seq: '123' },
    });
    f('<189>124: .Mar  1 00:00:16: %SYS-5-CONFIG_I: Configured', { generatedAt: at('2026-03-01T00:00:16Z'), program: 'SYS', fields: { seq: '124' } });
    f('<189>125: Mar  1 00:00:17.5: %SYS-5-CONFIG_I: x', { generatedAt: at('2026-03-01T00:00:17.500Z'), fields: { seq: '125' } });
    // `service sequence-numbers` adds the device's own number after the syslog counter.
    f('<189>96: 000094: *Mar  1 00:34:21.491: %SYS-5-CONFIG_I: x', { fields: { seq: '96', service_seq: '000094' } });
  });

  it('reads the origin host, a zone and a year', () => {
    f('<187>4567: router-1: Mar 15 11:22:33.456 UTC: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down', {
      facility: 23, severity: 3, generatedAt: at('2026-03-15T11:22:33.456Z'), hostname: 'router-1', program: 'LINK',
      message: '%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down', fields: { seq: '4567' },
    });
    f('<187>12: 10.0.0.9: Mar 15 2025 11:22:33 UTC: %LINK-3-UPDOWN: x', { hostname: '10.0.0.9', generatedAt: at('2025-03-15T11:22:33Z'), fields: { seq: '12' } });
    // A zone name other than UTC is ambiguous (CST is in three continents): read in the configured zone.
    f('<187>13: Mar 15 11:22:33 CET: %LINK-3-UPDOWN: x', { generatedAt: at('2026-03-15T10:22:33Z'), message: '%LINK-3-UPDOWN: x', fields: { seq: '13' } },
      { now: may30.now, timeZone: 'Europe/Berlin' });
    f('<189>Mar  1 00:00:00.123 UTC: %SYS-5-CONFIG_I: Configured', { generatedAt: at('2026-03-01T00:00:00.123Z'), program: 'SYS', message: '%SYS-5-CONFIG_I: Configured' });
  });

  it('reads uptime stamps, which carry no wall-clock time', () => {
    f('<189>7: 00:00:15: %SYS-5-RESTART: System restarted', { generatedAt: null, program: 'SYS', message: '%SYS-5-RESTART: System restarted', fields: { seq: '7' } });
    f('<189>8: 1w2d: %SYS-5-CONFIG_I: x', { generatedAt: null, message: '%SYS-5-CONFIG_I: x', fields: { seq: '8' } });
    f('<189>9: %SYS-5-CONFIG_I: no timestamps at all', { generatedAt: null, message: '%SYS-5-CONFIG_I: no timestamps at all', fields: { seq: '9' } });
  });

  it('reads ASA lines, with or without timestamp and device id', () => {
    f('<166>%ASA-4-106023: Deny tcp src outside:10.0.0.1/1234 dst inside:10.0.0.2/80 by access-group "outside_in"', {
      facility: 20, severity: 6, generatedAt: null, hostname: '', program: 'ASA',
      message: '%ASA-4-106023: Deny tcp src outside:10.0.0.1/1234 dst inside:10.0.0.2/80 by access-group "outside_in"',
    });
    f('<164>Mar 15 2025 11:22:33: %ASA-4-106023: Deny tcp', { severity: 4, generatedAt: at('2025-03-15T11:22:33Z'), hostname: '', program: 'ASA', message: '%ASA-4-106023: Deny tcp' });
    f('<164>Mar 15 2025 11:22:33 asa-1 : %ASA-4-106023: Deny tcp', { hostname: 'asa-1', generatedAt: at('2025-03-15T11:22:33Z'), message: '%ASA-4-106023: Deny tcp' });
    // ASA 9.10+ `logging timestamp rfc5424`.
    f('<166>2018-06-27T12:17:46Z asa : %ASA-6-110002: Failed to locate egress interface', { hostname: 'asa', generatedAt: at('2018-06-27T12:17:46Z'), program: 'ASA' });
  });

  it('takes facility user and the mnemonic severity when there is no PRI', () => {
    f('%ASA-2-106001: Inbound TCP connection denied', { facility: 1, severity: 2, program: 'ASA', message: '%ASA-2-106001: Inbound TCP connection denied' });
  });

  it('names multi-part facilities whole (IOS XR)', () => {
    f('<189>5: Mar 15 11:22:33: %ROUTING-BGP-5-ADJCHANGE: neighbor 10.0.0.1 Up', { program: 'ROUTING-BGP', fields: { seq: '5' } });
  });

  it('reads debug output: a counter and a Cisco timestamp, no mnemonic', () => {
    f('<191>44: *Mar  1 00:00:15.123: ICMP: echo reply sent', { severity: 7, program: '', message: 'ICMP: echo reply sent', fields: { seq: '44' } });
  });

  it('leaves every other line to the other parsers', () => {
    notCisco('<13>May 30 16:24:40 web1 app: x');
    notCisco('<13>May 30 16:24:40 web1: x');
    notCisco('<13>app: hello');
    notCisco('<13>12: not a sequence');
    notCisco('<13>* hello');
    notCisco('<30>May 30 16:24:40 web-1 nginx[1000]: GET /a%20b HTTP/1.1');
    notCisco('2020-05-30 16:24:40,438 ERROR app: boom');
    notCisco('plain text with %SYS-5-CONFIG_I: inside');
    notCisco('%sys-5-config_i: lower case is not a mnemonic');
    notCisco('');
  });
});
