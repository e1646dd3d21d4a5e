// `npm start` runs the bundle in server/dist (server/build.ts), not the sources through tsx. The
// bundle must find everything the sources find next to themselves — migrations, the common
// password list, its worker threads — and the CLI must work from it too.
import { Worker } from 'node:worker_threads';
import { afterAll, expect, test } from 'vitest';
import { parse } from '../../shared/query/index.ts';
import { openStore } from '../../server/store/index.ts';
import { apiClient } from '../helpers/api.ts';
import { logplexBody } from '../helpers/ingest.ts';
import { BUNDLE_BIN, freePort, runCli, spawnServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

const dir = tmpDir();
afterAll(() => dir.cleanup());

test('the bundled CLI and server store a drain batch and find it again', async () => {
  const env = { DRIFTWOOD_DATA_DIR: dir.path, DRIFTWOOD_HTTP_HOST: '127.0.0.1', DRIFTWOOD_HTTP_PORT: String(await freePort()), DRIFTWOOD_SYSLOG_PORT: '0' };
  const cli = (args: string[], input?: string) => runCli(args, env, input, BUNDLE_BIN);

  const weak = await cli(['user', 'add', 'ops@example.com', '--admin', '--password-stdin'], 'administrator1\n');
  expect(weak.code).not.toBe(0);
  expect(weak.stderr).toContain('too common'); // the password list next to the sources was found
  expect((await cli(['user', 'add', 'ops@example.com', '--admin', '--password-stdin'], 'tidal otter umbrella 42\n')).code).toBe(0);
  const apiToken = (await cli(['token', 'add', 'bundle-test', '--user', 'ops@example.com'])).stdout.trim().split('\n').at(-1)!;
  const drainToken = /drains\/(\S+)/.exec((await cli(['drain', 'add', 'bundled-app'])).stdout)![1]!;

  const { child, url } = await spawnServer(env, BUNDLE_BIN);
  try {
    const body = logplexBody(['<190>1 2026-05-30T16:24:40+00:00 host app web.1 - bundled hello at=error\n']);
    const res = await fetch(`${url}/drains/${drainToken}`, { method: 'POST', headers: { 'content-type': 'application/logplex-1' }, body });
    expect(res.status).toBe(204); // committed by the bundled writer thread
    const found = await apiClient(url, apiToken).search('bundled hello');
    expect(found.events.map((e) => [e.source_name, e.program, e.severity, e.message])).toEqual([['bundled-app', 'app/web.1', 'Error', 'bundled hello at=error']]);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});

test("the bundle's counting thread counts what alerts count", async () => {
  const store = openStore(dir.path);
  const parsed = parse('bundled');
  if (!parsed.ok) throw new Error(parsed.error.message);
  const filter = store.compile(parsed.ast);
  store.close();
  const worker = new Worker(new URL('../../server/dist/count-worker.js', import.meta.url), { workerData: { dataDir: dir.path } });
  try {
    const reply = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage({ id: 1, filter, after: 0, through: Number.MAX_SAFE_INTEGER });
    });
    expect(reply).toEqual({ id: 1, count: 1 });
  } finally {
    await worker.terminate();
  }
});
