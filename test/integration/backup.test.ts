// `driftwood backup DIR` copies the data directory while the server keeps writing; a server started
// on the copy finds every line acknowledged before the backup began.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { apiClientFor } from '../helpers/api.ts';
import { logplexBody } from '../helpers/ingest.ts';
import { runCli, startTestServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

const copies = tmpDir();
afterAll(() => copies.cleanup());

const post = (url: string, token: string, lines: string[]) =>
  fetch(`${url}/drains/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/logplex-1' },
    body: logplexBody(lines.map((l) => `<190>1 2026-05-30T16:24:40+00:00 host app web.1 - ${l}\n`)),
  }).then((r) => r.status);

test('a backup taken during ingest holds every line acknowledged before it, and a server runs on it', async () => {
  const server = await startTestServer();
  const target = join(copies.path, 'copy');
  try {
    const drain = server.store.drains.create('backed-up', Date.now());
    const before = Array.from({ length: 20 }, (_, b) => Array.from({ length: 100 }, (_, i) => `before-backup b${b} l${i}`));
    for (const lines of before) expect(await post(server.url, drain.token, lines)).toBe(204);

    let writing = true;
    const during = (async () => {
      for (let b = 0; writing; b++) await post(server.url, drain.token, Array.from({ length: 100 }, (_, i) => `during-backup b${b} l${i}`));
    })();
    const result = await runCli(['backup', target], { DRIFTWOOD_DATA_DIR: server.dataDir });
    writing = false;
    await during;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Backed up 4 database files \(\d+\.\d MB\) into .* in \d+\.\d s\.\n$/);
    const day = server.store.partitions.days()[0]!;
    for (const file of ['driftwood.sqlite', 'integrity.sqlite', join('events', `${day}.sqlite`), join('events', `${day}.fts.sqlite`)]) {
      const db = new Database(join(target, file), { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
    }
    // The checkpoint signing key comes along, still readable by its owner only.
    expect(readFileSync(join(target, 'integrity-key.pem'))).toEqual(readFileSync(join(server.dataDir, 'integrity-key.pem')));
    expect(statSync(join(target, 'integrity-key.pem')).mode & 0o777).toBe(0o600);
  } finally {
    await server.stop();
  }

  const restored = await startTestServer({ dataDir: target });
  try {
    const api = await apiClientFor(restored);
    const page = await api.search('before-backup', { limit: '10000' });
    expect(page.events).toHaveLength(2000);
    expect((await api.get<{ name: string }[]>('/api/v1/systems.json')).body.map((s) => s.name)).toContain('backed-up');
  } finally {
    await restored.stop();
  }
});

test('a backup never writes into a directory that holds something, nor from one that holds no data', async () => {
  const server = await startTestServer();
  try {
    const busy = join(copies.path, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'keep.txt'), 'mine');
    const refused = await runCli(['backup', busy], { DRIFTWOOD_DATA_DIR: server.dataDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`driftwood backup: ${busy} is not empty: back up into a new directory\n`);
    const empty = join(copies.path, 'no-data');
    mkdirSync(empty);
    const nothing = await runCli(['backup', join(copies.path, 'other')], { DRIFTWOOD_DATA_DIR: empty });
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('holds no Driftwood data');
    expect((await runCli(['backup'], { DRIFTWOOD_DATA_DIR: server.dataDir })).code).toBe(2);
  } finally {
    await server.stop();
  }
});
