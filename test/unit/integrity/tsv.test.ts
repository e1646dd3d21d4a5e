// Archive lines (Papertrail's layout): times as `2026-05-30 16:24:40.438 +0000`, and every row
// reads back as written.
import { expect, test } from 'vitest';
import { formatRow, formatTime, parseRow, type ArchiveRow } from '../../../server/integrity/tsv.ts';

const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', ' +0000');

test('archive times are UTC to the millisecond, also when rows alternate between seconds', () => {
  const f = (ms: number, want: string) => expect(formatTime(ms), String(ms)).toBe(want);
  f(0, '1970-01-01 00:00:00.000 +0000');
  f(1780156800999, '2026-05-30 16:00:00.999 +0000');
  f(1780156801000, '2026-05-30 16:00:01.000 +0000');
  f(1780156800007, '2026-05-30 16:00:00.007 +0000');
  f(-1, '1969-12-31 23:59:59.999 +0000');
  // Generated and received times of consecutive rows, in three different seconds.
  for (const ms of [1780156800500, 1780156799100, 1780156800501, 1780156802000, 1780156799101, 1780156800502]) f(ms, iso(ms));
});

test('an archive row reads back as written, tabs and newlines in fields included', () => {
  const row: ArchiveRow = { id: '7711582041804800', generatedMs: null, receivedMs: 1780156800123, sourceId: '3', sourceName: 'web\t1', sourceIp: '10.0.0.1', facility: 23, severity: 6, program: 'app/web.1', message: 'line one\nline two \\ end' };
  expect(formatRow(row)).toBe('7711582041804800\t\t2026-05-30 16:00:00.123 +0000\t3\tweb\\t1\t10.0.0.1\tLocal7\tInfo\tapp/web.1\tline one\\nline two \\\\ end');
  expect(parseRow(formatRow(row))).toEqual({ ok: true, row });
  const generated = { ...row, generatedMs: 1780156799999 };
  expect(parseRow(formatRow(generated))).toEqual({ ok: true, row: generated });
});
