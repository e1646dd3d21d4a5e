// Heads kept elsewhere (issue 14, part 3): GET /api/v1/integrity/head.json returns the current
// chain head, and DRIFTWOOD_HEAD_EXPORT appends signed checkpoints that `driftwood verify
// --checkpoints` checks the store against.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { IntegrityHead } from '../../shared/api.ts';
import { startHeadExport } from '../../server/integrity/export.ts';
import { loadKeys, readCheckpoints } from '../../server/integrity/checkpoint.ts';
import { apiClient } from '../helpers/api.ts';
import { apiToken } from '../helpers/auth.ts';
import { CLI_TEST_TIMEOUT_MS, captureLogger, runCli, startTestServer, type TestServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';
import type { NewEvent } from '../../server/store/types.ts';

const exportDir = tmpDir();
let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const line = (message: string): NewEvent => ({ receivedMs: Date.now(), sourceIp: '10.0.0.1', systemName: 'web-1', hostname: 'web-1', program: 'app', severity: 6, facility: 1, generatedAt: null, message, fields: {}, flags: [] });

test('head.json answers members with the newest batch, and anonymous callers with 401', async () => {
  server = await startTestServer();
  const api = apiClient(server.url, await apiToken(server.store));
  const empty = await api.get<IntegrityHead>('/api/v1/integrity/head.json');
  expect(empty.body).toEqual({ day: null, batch: 0, hash: '0'.repeat(64), events: 0, last_id: null });
  const a = await server.pipeline.submit([line('one'), line('two')], 'test');
  const { status, body } = await api.get<IntegrityHead>('/api/v1/integrity/head.json');
  expect(status).toBe(200);
  expect(body).toMatchObject({ day: new Date().toISOString().slice(0, 10), last_id: String(a.lastId) });
  expect(body.hash).toMatch(/^[0-9a-f]{64}$/);
  expect(body.events).toBeGreaterThanOrEqual(2);
  expect((await apiClient(server.url).get('/api/v1/integrity/head.json')).status).toBe(401);
});

test('DRIFTWOOD_HEAD_EXPORT appends signed checkpoints to a file that verify accepts, and prints the key', async () => {
  const file = join(exportDir.path, 'heads.jsonl');
  server = await startTestServer({ env: { DRIFTWOOD_HEAD_EXPORT: `file:${file}` } });
  const publicKey = loadKeys(server.dataDir).publicText;
  expect(server.logs).toContain(`info integrity: checkpoints are signed with public key ${publicKey}`);
  await server.pipeline.submit([line('exported')], 'test');
  await server.pipeline.submit([line('after')], 'test');
  const dataDir = server.dataDir;
  const stopping = server;
  server = undefined;
  // The head at shutdown is exported too; stop without removing the data dir.
  await stopping.close();
  const read = readCheckpoints(readFileSync(file, 'utf8'), loadKeys(dataDir).publicKey);
  expect(read.ok && read.checkpoints.length).toBeGreaterThanOrEqual(1);
  const r = await runCli(['verify', '--checkpoints', file, '--public-key', publicKey], { DRIFTWOOD_DATA_DIR: dataDir });
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/Checkpoints: 1 of 1 matched/);
  expect(r.code).toBe(0);
  await stopping.stop(); // removes the data dir
}, CLI_TEST_TIMEOUT_MS);

test('a webhook receives each new head once, and an outage is logged once', async () => {
  const received: string[] = [];
  let up = false;
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      if (up) received.push(body);
      res.writeHead(up ? 204 : 503).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(hook.address() as { port: number }).port}/heads`;
  const logs: string[] = [];
  const d = tmpDir();
  let head = { day: '2026-05-30', batch: 1, hash: 'a'.repeat(64), events: 3, lastId: 7 };
  const exporter = startHeadExport({ target: url, keys: loadKeys(d.path), head: () => head, log: captureLogger(logs), now: () => Date.parse('2026-05-30T12:00:00Z'), intervalMs: 3_600_000 });
  try {
    await exporter.exportNow();
    await exporter.exportNow();
    expect(logs.filter((l) => l.startsWith('error'))).toEqual([`error cannot export the chain head to ${url}: HTTP 503`]);
    up = true;
    await exporter.exportNow();
    await exporter.exportNow(); // unchanged head: not sent again
    head = { ...head, batch: 2, hash: 'b'.repeat(64) };
    await exporter.exportNow();
    expect(received.map((b) => (JSON.parse(b) as { batch: number }).batch)).toEqual([1, 2]);
    expect(logs).toContain(`info head export to ${url} works again`);
  } finally {
    await exporter.stop();
    hook.close();
    d.cleanup();
  }
});
