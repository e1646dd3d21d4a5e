import { expect, test } from 'vitest';
import { AuditThrottle, formatSecurityEvent } from '../../../server/security/audit.ts';
import { logfmtValue } from '../../../server/security/logfmt-value.ts';
import { parseLogfmt } from '../../../shared/logfmt.ts';

test('a value with CR, LF, ANSI escapes or line separators stays on one line and inert', () => {
  const evil = 'x@example.com\r\n2026-01-01 info security action=login outcome=success\u001b[31mred\u001b[0m\u2028more';
  const { message, fields } = formatSecurityEvent({ action: 'login', outcome: 'failure', user: evil, ip: '10.0.0.1' });
  expect(message).not.toMatch(/[\r\n\u001b\u2028]/);
  expect(message.startsWith('action=login outcome=failure user="x@example.com\\\\r\\\\n')).toBe(true);
  // The forged pair is inside the quoted user value, not a pair of its own.
  expect(parseLogfmt(message).outcome).toBe('failure');
  expect(fields.user).not.toMatch(/[\r\n\u001b]/);
  // Fields are what the line reads back as, so the store keeps them once (in the message).
  expect(parseLogfmt(message)).toEqual(fields);
});

test('logfmtValue quotes spaces, quotes and equals signs', () => {
  const f = (v: string, want: string) => expect(logfmtValue(v)).toBe(want);
  f('plain', 'plain');
  f('two words', '"two words"');
  f('a="b"', '"a=\\"b\\""');
  // The escape is itself quoted: reading the value back shows the visible text \x09.
  f('tab\there', '"tab\\\\x09here"');
});

test('long attacker-chosen values are clipped', () => {
  const { message } = formatSecurityEvent({ action: 'login', outcome: 'failure', user: 'u'.repeat(10_000) });
  expect(message.length).toBeLessThan(300);
});

test('AuditThrottle lets one event per key per interval through and counts the rest', () => {
  let now = 0;
  const t = new AuditThrottle(() => now, 60_000);
  expect(t.pass('ip 1')).toEqual({ suppressed: 0 });
  expect(t.pass('ip 1')).toBeUndefined();
  expect(t.pass('ip 1')).toBeUndefined();
  expect(t.pass('ip 2')).toEqual({ suppressed: 0 });
  now = 60_000;
  expect(t.pass('ip 1')).toEqual({ suppressed: 2 });
});
