// docs/guides/backups.md, run as written (with the test's directories): a backup taken while
// lines keep arriving holds every line acknowledged before it started; the nightly cron line
// makes a dated backup and removes old ones; the restore steps bring back events, tokens and
// drains on a new server. (systemctl/chown need a systemd machine: the test stops and starts.)
import { existsSync, mkdirSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { apiToken } from '../helpers/auth.ts';
import { guideBlock, runProgram } from '../helpers/guides.ts';
import { startTestServer } from '../helpers/server.ts';
import { postLines } from '../helpers/tail.ts';
import { tmpDir } from '../helpers/tmp.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const dir = tmpDir();
afterAll(() => dir.cleanup());
const today = new Date().toISOString().slice(0, 10); // date +%F, in UTC as the test machine runs

test('backup while lines arrive, nightly cron line, restore: the restored server has the lines, tokens and drains', async () => {
  const dataDir = join(dir.path, 'var-lib-driftwood');
  let server = await startTestServer({ dataDir });
  const token = await apiToken(server.store);
  const drain = server.store.drains.create('my-app', Date.now());
  const base = () => server.url.replace('localhost', '127.0.0.1');
  await postLines(base(), drain.token, Array.from({ length: 200 }, (_, i) => `acknowledged before the backup ${i}`));

  // Lines keep arriving while the backup runs.
  let during = 0;
  let backingUp = true;
  const ingest = (async () => {
    while (backingUp) await postLines(base(), drain.token, [`arrived during the backup ${during++}`]);
  })();
  const backups = join(dir.path, 'backups');
  const now = await runProgram('sh', ['-c', guideBlock('backups.md', 'backup-now', { '/var/backups/driftwood': backups })], { cwd: ROOT, env: { DRIFTWOOD_DATA_DIR: dataDir } });
  backingUp = false;
  await ingest;
  expect(now.stderr).toBe('');
  expect(now.stdout).toMatch(new RegExp(`\nBacked up \\d+ database files \\(.* MB\\) into ${backups}/${today} in `));
  expect(during).toBeGreaterThan(0);

  // The nightly line, as cron runs it (after the schedule and the user; cron turns \% into %).
  const nightly = join(dir.path, 'nightly');
  mkdirSync(join(nightly, 'old-backup'), { recursive: true });
  const old = new Date(Date.now() - 20 * 86_400_000);
  utimesSync(join(nightly, 'old-backup'), old, old);
  const cronLine = guideBlock('backups.md', 'backup-cron', { '/opt/driftwood': ROOT, '/var/lib/driftwood': dataDir, '/var/backups/driftwood': nightly }).trim();
  const command = cronLine.split(/\s+/).slice(6).join(' ').replaceAll('\\%', '%');
  const cron = await runProgram('sh', ['-c', command]);
  expect(cron.stderr).toBe('');
  expect(readdirSync(nightly)).toEqual([today]);

  // Restore the first backup, as the guide's steps do.
  await server.stop();
  const steps = guideBlock('backups.md', 'restore', { '/var/lib/driftwood': dataDir, [`/var/backups/driftwood/2026-05-30`]: join(backups, today) })
    .split('\n')
    .filter((l) => l && !/^(systemctl|chown) /.test(l));
  expect(steps).toHaveLength(2); // mv and cp
  const restore = await runProgram('sh', ['-c', steps.join(' && ')]);
  expect(restore.stderr).toBe('');
  expect(existsSync(`${dataDir}.before-restore`)).toBe(true);
  server = await startTestServer({ dataDir });
  try {
    const api = apiClient(base(), token); // the token from before the backup still works
    expect((await api.search('"acknowledged before the backup"', { limit: '1000' })).events).toHaveLength(200);
    await postLines(base(), drain.token, ['after the restore']); // and so does the drain
    expect((await api.waitFor('"after the restore"', 1)).events[0]!.source_name).toBe('my-app');
  } finally {
    await server.stop();
  }
}, 90_000);
