// DRIFTWOOD_HEAD_EXPORT takes file:/absolute/path or an http(s) URL; anything else fails at start.
import { expect, test } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { parseExportTarget } from '../../../server/integrity/export.ts';

test('export targets: an absolute file or an http(s) URL', () => {
  const f = (raw: string, want: ReturnType<typeof parseExportTarget>) => expect(parseExportTarget(raw), raw).toEqual(want);
  f('file:/var/log/heads.jsonl', { file: '/var/log/heads.jsonl' });
  f('file:///mnt/other/heads.jsonl', { file: '/mnt/other/heads.jsonl' });
  f('https://audit.example.com/heads', { url: 'https://audit.example.com/heads' });
  f('file:heads.jsonl', undefined);
  f('ftp://example.com/x', undefined);
  f('/var/log/heads.jsonl', undefined);
});

test('a bad DRIFTWOOD_HEAD_EXPORT is reported at start, one line', () => {
  const r = loadConfig({ DRIFTWOOD_HEAD_EXPORT: 'heads.jsonl' }, []);
  expect(r).toEqual({ ok: false, problems: ['DRIFTWOOD_HEAD_EXPORT: "heads.jsonl" is not file:/absolute/path or an http(s) URL'] });
});
