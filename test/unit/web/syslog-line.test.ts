import { expect, test } from 'vitest';
import type { Event } from '../../../shared/event.ts';
import { syslogLine } from '../../../web/src/lib/syslog-line.ts';

const event: Event = {
  id: '1', received_at: '2026-05-30T16:24:40.123Z', generated_at: '2026-05-30T16:24:39.000Z', display_received_at: 'May 30 16:24:40',
  source_ip: '10.0.0.1', source_id: 1, source_name: 'web-1', hostname: 'web-1', program: 'app/web.1', severity: 'Error', facility: 'Local7',
  message: 'at=error code=H12 desc="Request timeout"', fields: {}, flags: [],
};

test('an event is shown as the RFC 5424 line that carries it: PRI from facility and severity, the sender time', () => {
  expect(syslogLine(event)).toBe('<187>1 2026-05-30T16:24:39.000Z web-1 app/web.1 - - - at=error code=H12 desc="Request timeout"');
});

test('absent fields are RFC 5424 NILVALUEs; without a sender time the received time stands in', () => {
  expect(syslogLine({ ...event, generated_at: null, program: '', hostname: 'my host' })).toBe('<187>1 2026-05-30T16:24:40.123Z my_host - - - - at=error code=H12 desc="Request timeout"');
});

test('a line that could not be parsed is shown exactly as it came', () => {
  expect(syslogLine({ ...event, message: 'garbage <<13>> line', flags: ['unparsed'] })).toBe('garbage <<13>> line');
});
