// `driftwood tail [-f]` as a user runs it: a child process against a real server. It prints lines
// as they arrive, survives a server restart without losing or repeating a line, and reports what
// the server skipped when the terminal could not keep up.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { apiToken } from '../helpers/auth.ts';
import { freePort, runCli, startTestServer, type TestServer } from '../helpers/server.ts';
import { postLines, waitUntil } from '../helpers/tail.ts';
import { tmpDir } from '../helpers/tmp.ts';

const BIN = fileURLToPath(new URL('../../bin/driftwood.js', import.meta.url));
const dir = tmpDir();
afterAll(() => dir.cleanup());

function spawnTail(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, 'tail', ...args], { env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] }) as ChildProcessWithoutNullStreams;
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out, exited, lines: () => out.stdout.split('\n').filter(Boolean) };
}

test('driftwood tail -f prints lines as they arrive and resumes across a server restart', async () => {
  const port = await freePort();
  const env = { DRIFTWOOD_HTTP_PORT: String(port) };
  let server: TestServer = await startTestServer({ dataDir: dir.path, env });
  const url = `http://127.0.0.1:${port}`;
  const token = await apiToken(server.store);
  const drain = server.store.drains.create('cli-web', Date.now()).token;
  const cliEnv = { DRIFTWOOD_URL: url, DRIFTWOOD_TOKEN: token };
  let tail: ReturnType<typeof spawnTail> | undefined;
  try {
    await postLines(url, drain, ['cli-case old 0', 'cli-case old 1', 'cli-case old 2', 'something else']);

    // Without -f: the newest N and exit.
    const once = await runCli(['tail', '-n', '2', 'cli-case'], cliEnv);
    expect(once.code).toBe(0);
    expect(once.stdout.trim().split('\n').map((l) => l.replace(/^\w{3} \d\d \d\d:\d\d:\d\d /, ''))).toEqual(['cli-web : cli-case old 1', 'cli-web : cli-case old 2']);

    // A bad token is not retried: it will not get better.
    const refused = await runCli(['tail', '-f', 'cli-case'], { ...cliEnv, DRIFTWOOD_TOKEN: 'not-a-token' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('401');

    tail = spawnTail(['-f', '-n', '2', 'cli-case'], cliEnv);
    const t = tail;
    await waitUntil('the newest two stored lines', () => t.lines().length >= 2, 20_000);
    await postLines(url, drain, ['cli-case new A', 'not this one']);
    await waitUntil('the live line', () => t.out.stdout.includes('cli-case new A'));

    // Restart the server: the CLI reconnects with min_id and prints what it missed, once.
    await server.stop();
    await waitUntil('the reconnect notice', () => t.out.stderr.includes('reconnecting'));
    server = await startTestServer({ dataDir: dir.path, env });
    await postLines(url, drain, ['cli-case while away B']);
    await waitUntil('the missed line', () => t.out.stdout.includes('while away B'), 20_000);
    await postLines(url, drain, ['cli-case after C']);
    await waitUntil('the next live line', () => t.out.stdout.includes('after C'));
    await new Promise((r) => setTimeout(r, 200));

    const messages = t.lines().map((l) => l.split(': ').slice(1).join(': '));
    expect(messages).toEqual(['cli-case old 1', 'cli-case old 2', 'cli-case new A', 'cli-case while away B', 'cli-case after C']);
    expect(t.lines()[0]).toMatch(/^\w{3} [ \d]\d \d\d:\d\d:\d\d cli-web : cli-case old 1$/);

    t.child.kill('SIGINT');
    expect(await t.exited).toBe(0);
  } finally {
    tail?.child.kill('SIGKILL');
    await server.stop();
  }
});

test('driftwood tail -f reports skipped events on stderr when its output stalls', async () => {
  const server = await startTestServer();
  const url = server.url.replace('localhost', '127.0.0.1');
  const token = await apiToken(server.store);
  const drain = server.store.drains.create('cli-stall', Date.now()).token;
  await postLines(url, drain, ['first line']);
  const tail = spawnTail(['-f', '-n', '0', 'stall-cli'], { DRIFTWOOD_URL: url, DRIFTWOOD_TOKEN: token });
  try {
    await waitUntil('the tail to connect', () => server.metrics.value('driftwood_tail_open') === 1, 20_000);
    // Stop reading the CLI's stdout: its writes block, it stops reading the socket, the server skips.
    tail.child.stdout.pause();
    const pad = 'y'.repeat(2000);
    const TOTAL = 12_000;
    for (let b = 0; b < TOTAL / 500; b++) await postLines(url, drain, Array.from({ length: 500 }, (_, i) => `stall-cli ${b * 500 + i} ${pad}`));
    tail.child.stdout.resume();
    await waitUntil('a skipped notice', () => tail.out.stderr.includes('skipped'), 20_000);
    const notices = [...tail.out.stderr.matchAll(/skipped (\d+) events/g)].reduce((n, m) => n + Number(m[1]), 0);
    await waitUntil('printed + skipped = sent', () => tail.lines().length + notices >= TOTAL, 20_000);
    expect(tail.lines().length + notices).toBe(TOTAL);
    expect(tail.out.stderr).toMatch(/search\.json\?min_id=\d+&max_id=\d+/);
  } finally {
    tail.child.kill('SIGKILL');
    await tail.exited;
    await server.stop();
  }
});
