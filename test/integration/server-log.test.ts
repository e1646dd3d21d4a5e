// What `npm start` prints: the startup text for people on stdout, plain, and Driftwood's own log on
// stderr as JSON lines (stderr is not a terminal here), one object per line, at DRIFTWOOD_LOG_LEVEL.
import { spawn } from 'node:child_process';
import { expect, test } from 'vitest';
import { BUNDLE_BIN, freePort } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

async function runUntilStarted(env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, [BUNDLE_BIN, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close', not 'exit': the output may still be arriving when the process has exited.
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (/use code \S+, or run/.test(stdout)) resolve(); // the last line of the startup text (no user yet)
    });
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  child.kill('SIGTERM');
  const code = await exited;
  return { stdout, stderr, code };
}

test('startup text stays plain on stdout while the log is JSON lines on stderr, at the chosen level', async () => {
  const dir = tmpDir();
  try {
    const env = { DRIFTWOOD_DATA_DIR: dir.path, DRIFTWOOD_HTTP_HOST: '127.0.0.1', DRIFTWOOD_HTTP_PORT: String(await freePort()), DRIFTWOOD_SYSLOG_PORT: '0' };
    const info = await runUntilStarted(env);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/^Driftwood is running at http:\/\/127\.0\.0\.1:\d+ \(syslog off\)\.$/m);
    expect(info.stdout).toMatch(/use code [A-Z0-9]{4}-[A-Z0-9]{4}/);
    expect(info.stdout).not.toContain('{');
    const entries = info.stderr.trim().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string; pid: number });
    expect(entries.map((e) => e.msg)).toEqual(expect.arrayContaining(['config DRIFTWOOD_LOG_LEVEL=info', expect.stringMatching(/^started HTTP in \d+ ms$/), expect.stringMatching(/^received SIGTERM: shutting down/), 'shutdown complete']));
    // Fastify logs through the same logger.
    expect(entries.map((e) => e.msg)).toContainEqual(expect.stringMatching(/^Server listening at http:\/\/127\.0\.0\.1:\d+$/));

    const quiet = await runUntilStarted({ ...env, DRIFTWOOD_LOG_LEVEL: 'warn' });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toMatch(/^Driftwood is running at/m);
    expect(quiet.stderr).toBe('');
  } finally {
    dir.cleanup();
  }
}, 60_000);
