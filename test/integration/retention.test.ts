// Retention deletes whole day files: older than DRIFTWOOD_RETENTION_DAYS, then the oldest while
// over DRIFTWOOD_MAX_DISK_MB; today's file stays whatever the cap.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { openStore, type Store } from '../../server/store/index.ts';
import { enforceRetention } from '../../server/store/retention.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { startTestServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-05-30T12:00:00Z');
const dir = tmpDir();
afterEach(() => dir.cleanup());

function seed(store: Store, daysAgo: number[], linesPerDay = 200): void {
  for (const d of daysAgo.sort((a, b) => b - a)) {
    const events: NewEvent[] = Array.from({ length: linesPerDay }, (_, i) => ({
      receivedMs: NOW - d * DAY + i, sourceIp: '10.0.0.1', systemName: 'web-1', hostname: 'web-1', program: 'app', severity: 6, facility: 1,
      generatedAt: null, message: `day ${d} line ${i} ${'x'.repeat(200)}`, fields: {}, flags: [],
    }));
    store.append([{ events }]);
  }
}

test('days older than the retention are deleted, newer ones kept', () => {
  const store = openStore(dir.path);
  seed(store, [0, 1, 6, 7, 30]);
  expect(enforceRetention(store.partitions, { retentionDays: 7 }, NOW).sort()).toEqual(['2026-04-30', '2026-05-23']);
  expect(store.partitions.days()).toEqual(['2026-05-30', '2026-05-29', '2026-05-24']);
  // Each day's index file goes with it.
  expect(readdirSync(join(dir.path, 'events')).filter((f) => !f.endsWith('-wal') && !f.endsWith('-shm')).sort()).toEqual(
    ['2026-05-24', '2026-05-29', '2026-05-30'].flatMap((d) => [`${d}.fts.sqlite`, `${d}.sqlite`]),
  );
  store.close();
});

test('a disk cap removes the oldest days until the files fit, never today', () => {
  const store = openStore(dir.path);
  seed(store, [0, 1, 2, 3], 2000);
  const perDay = store.partitions.bytesOnDisk() / 4;
  const removed = enforceRetention(store.partitions, { retentionDays: 365, maxDiskMb: (perDay * 2.5) / 1024 / 1024 }, NOW);
  expect(removed).toEqual(['2026-05-27', '2026-05-28']);
  expect(enforceRetention(store.partitions, { retentionDays: 365, maxDiskMb: 0.001 }, NOW)).toEqual(['2026-05-29']);
  expect(store.partitions.days()).toEqual(['2026-05-30']);
  store.close();
});

test('the server applies retention when it starts', async () => {
  const store = openStore(dir.path);
  seed(store, [400]);
  store.close();
  const server = await startTestServer({ dataDir: dir.path, env: { DRIFTWOOD_RETENTION_DAYS: '365' } });
  try {
    expect(server.store.partitions.days()).toEqual([]);
    expect(server.logs.some((l) => /retention: deleted the events of 2025-04-25/.test(l))).toBe(true);
  } finally {
    await server.stop();
  }
});

test('a line that arrived just before midnight but is committed after the new day began is filed in the new day', () => {
  const store = openStore(dir.path);
  const at = (ms: number, message: string): NewEvent => ({ receivedMs: ms, sourceIp: '10.0.0.1', systemName: 'web-1', hostname: 'web-1', program: 'app', severity: 6, facility: 1, generatedAt: null, message, fields: {}, flags: [] });
  const midnight = Date.parse('2026-05-31T00:00:00Z');
  const [after] = store.append([{ events: [at(midnight + 5, 'after midnight')] }]);
  const [late] = store.append([{ events: [at(midnight - 20, 'before midnight, committed late')] }]);
  // Ids keep growing (alert cursors never see an id below one they passed), and the day is the new one.
  expect(Number(late!.stored[0]!.id)).toBeGreaterThan(Number(after!.stored[0]!.id));
  expect(store.partitions.days()).toEqual(['2026-05-31']);
  store.close();
});
