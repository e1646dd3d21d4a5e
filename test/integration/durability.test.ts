// "Acknowledge only what is committed": every line a drain answered 204 for survives kill -9.
import { afterAll, expect, test } from 'vitest';
import { allMessages, apiClientFor } from '../helpers/api.ts';
import { logplexBody } from '../helpers/ingest.ts';
import { BUNDLE_BIN, freePort, runCli, spawnServer, startTestServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

const dir = tmpDir();
afterAll(() => dir.cleanup());

test('drain returns 204 only after events survive kill -9', async () => {
  const env = {
    DRIFTWOOD_DATA_DIR: dir.path,
    DRIFTWOOD_HTTP_HOST: '127.0.0.1',
    DRIFTWOOD_HTTP_PORT: String(await freePort()),
    DRIFTWOOD_SYSLOG_PORT: '0',
  };
  const added = await runCli(['drain', 'add', 'crashy'], env);
  expect(added.code).toBe(0);
  const token = /drains\/(\S+)/.exec(added.stdout)![1]!;
  const { child, url } = await spawnServer(env, BUNDLE_BIN); // what `npm start` runs

  // Keep requests in flight while the process is killed: only the acknowledged ones count.
  const acknowledged: string[] = [];
  let stop = false;
  const senders = [0, 1, 2, 3].map(async (worker) => {
    for (let batch = 0; !stop; batch++) {
      const lines = Array.from({ length: 50 }, (_, i) => `durable-w${worker}-b${batch}-l${i}`);
      const body = logplexBody(lines.map((l) => `<190>1 2026-05-30T16:24:40+00:00 host app web.1 - ${l}\n`));
      try {
        const res = await fetch(`${url}/drains/${token}`, { method: 'POST', headers: { 'content-type': 'application/logplex-1' }, body });
        if (res.status === 204) acknowledged.push(...lines);
      } catch {
        return; // the server is gone
      }
    }
  });
  await new Promise((r) => setTimeout(r, 1500));
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  stop = true;
  await exited;
  await Promise.all(senders);
  expect(acknowledged.length).toBeGreaterThan(500);

  // Restart on the same files and look for every acknowledged line.
  const server = await startTestServer({ dataDir: dir.path });
  try {
    const found = await allMessages(await apiClientFor(server), 'durable');
    const missing = acknowledged.filter((l) => !found.has(l));
    expect(missing).toEqual([]);
  } finally {
    await server.stop();
  }
});
