// A full disk (issue 14, part 6): ingest refuses new data with a clear error (drains 503 saying
// so, TCP paused, UDP dropped), a metric and one log line; it resumes by itself when space
// returns; no acknowledged line is lost and the store still verifies. On a real small file system
// (tmpfs with a size) where the machine allows mounting one, else on SQLite's own page limit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { Pipeline, STORE_FULL_RETRY_MS } from '../../server/ingest/pipeline.ts';
import { Metrics } from '../../server/metrics.ts';
import { openStore } from '../../server/store/index.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { verifyStore } from '../../server/store/verify.ts';
import { captureLogger, startTestServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

/** A tmpfs of `size` at a new directory (root only). */
function smallFileSystem(size: string): { path: string; grow: (size: string) => void; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'driftwood-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path], { stdio: 'ignore' });
  } catch (e) {
    rmdirSync(path);
    throw e;
  }
  return {
    path,
    grow: (to) => execFileSync('mount', ['-o', `remount,size=${to}`, path]),
    remove: () => {
      execFileSync('umount', [path]);
      rmdirSync(path);
    },
  };
}

// Mounting needs root (as in the CI container); elsewhere the second test covers the same path.
const canMount = process.getuid?.() === 0;

test.runIf(canMount)('on a full file system drains get 503 "disk is full", one log line and a metric; ingest resumes when space returns; nothing acknowledged is lost', async () => {
  const fs = smallFileSystem('3m');
  // Public metrics: signing in writes to the meta database, which a full disk refuses too (see docs/SECURITY.md).
  const server = await startTestServer({ dataDir: fs.path, env: { DRIFTWOOD_METRICS_PUBLIC: '1' } });
  try {
    const token = server.store.drains.create('filler', Date.now()).token;
    const acknowledged: string[] = [];
    let refusal: { status: number; body: string } | undefined;
    const send = async (batch: number) => {
      const lines = Array.from({ length: 50 }, (_, i) => `batch=${batch} line=${i} request_id=${(batch * 7919 + i * 104729).toString(36)}-${'x'.repeat(150)}`);
      const res = await fetch(`${server.url}/drains/${token}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: lines.join('\n') });
      if (res.status === 204) acknowledged.push(...lines);
      return { status: res.status, body: await res.text() };
    };
    for (let b = 0; b < 2000 && !refusal; b++) {
      const r = await send(b);
      if (r.status === 503 && /disk is full/.test(r.body)) refusal = r;
    }
    expect(refusal, 'the file system never filled').toBeDefined();
    expect(JSON.parse(refusal!.body)).toEqual({ message: "the server's disk is full: retry later" });
    expect(server.pipeline.overloaded).toBe(true); // TCP readers pause on this, UDP drops
    for (let b = 0; b < 5; b++) expect((await send(10_000 + b)).status).toBe(503);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^driftwood_store_full 1$/m);
    expect(server.logs.filter((l) => /refusing new events/.test(l))).toHaveLength(1);
    expect(server.logs.find((l) => /refusing new events/.test(l))).toMatch(/database or disk is full/);

    fs.grow('64m');
    let resumed = false;
    for (let i = 0; i < 100 && !resumed; i++) {
      await new Promise((r) => setTimeout(r, STORE_FULL_RETRY_MS / 4));
      resumed = (await send(20_000 + i)).status === 204;
    }
    expect(resumed).toBe(true);
    expect(server.logs).toContain('info the store has space again: ingest resumed');
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/^driftwood_store_full 0$/m);

    const stored = new Map<string, number>();
    const reader = server.store.partitions.reader(server.store.partitions.days()[0]!)!;
    for (const m of reader.prepare('SELECT message FROM events').pluck().all() as string[]) stored.set(m, (stored.get(m) ?? 0) + 1);
    expect(acknowledged.filter((l) => stored.get(l) !== 1)).toEqual([]);
    const report = verifyStore(server.store.partitions);
    expect(report.problem).toBeUndefined();
    expect(reader.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    await server.stop();
    fs.remove();
  }
}, 120_000);

// Where no file system can be mounted: SQLite's page limit on the store's own connection gives
// the same SQLITE_FULL (the pipeline and the store are real; nothing is mocked).
test('when the store cannot write for want of space, the pipeline keeps the batch, refuses more, and commits it once space returns', async () => {
  const dir = tmpDir();
  const store = openStore(dir.path);
  const logs: string[] = [];
  const pipeline = new Pipeline(store, new Metrics(), captureLogger(logs));
  const event = (message: string): NewEvent => ({ receivedMs: Date.now(), sourceIp: '10.0.0.1', systemName: 'web-1', hostname: 'web-1', program: 'app', severity: 6, facility: 1, generatedAt: null, message, fields: {}, flags: [] });
  try {
    await pipeline.submit([event('before')], 'test');
    const db = store.partitions.writer(new Date().toISOString().slice(0, 10));
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const big = Array.from({ length: 2000 }, (_, i) => event(`line ${i} ${'y'.repeat(500)}`));
    let committed = false;
    const pending = pipeline.submit(big, 'test').then(() => (committed = true));
    await new Promise((r) => setTimeout(r, STORE_FULL_RETRY_MS * 1.5));
    expect(committed).toBe(false);
    expect(pipeline.overloaded).toBe(true);
    expect(pipeline.refusal).toBe("the server's disk is full: retry later");
    expect(logs.filter((l) => l.startsWith('error'))).toHaveLength(1);
    let paused = true;
    pipeline.whenDrained(() => (paused = false)); // a TCP reader waiting to resume
    expect(paused).toBe(true);
    db.pragma('max_page_count = 1073741823');
    await pending;
    expect(paused).toBe(false);
    expect(logs).toContain('info the store has space again: ingest resumed');
    expect(verifyStore(store.partitions)).toMatchObject({ events: 2001 });
  } finally {
    await pipeline.close();
    store.close();
    dir.cleanup();
  }
});
