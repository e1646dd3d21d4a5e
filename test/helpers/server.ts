// Starts a real Driftwood server on 127.0.0.1 with free ports and a temp data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../server/config.ts';
import type { Logger } from '../../server/log.ts';
import { startServer, type RunningServer, type StartOptions } from '../../server/main.ts';
import { tmpDir } from './tmp.ts';

export interface TestServer extends RunningServer {
  dataDir: string;
  logs: string[];
  stop(): Promise<void>;
}

export function captureLogger(lines: string[]): Logger {
  return { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

export function testConfig(dataDir: string, env: Record<string, string> = {}): Readonly<Config> {
  const loaded = loadConfig(
    {
      DRIFTWOOD_DATA_DIR: dataDir,
      DRIFTWOOD_HTTP_HOST: '127.0.0.1',
      DRIFTWOOD_HTTP_PORT: '0',
      DRIFTWOOD_SYSLOG_HOST: '127.0.0.1',
      DRIFTWOOD_SYSLOG_PORT: '0',
      DRIFTWOOD_SYSLOG_TLS_PORT: '0',
      ...env,
    },
    [],
  );
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.config;
}

/** In-process server (fast); `dataDir` lets a test restart on the same files. */
export async function startTestServer(opts: { dataDir?: string; env?: Record<string, string>; now?: () => number; alerts?: StartOptions['alerts'] } = {}): Promise<TestServer> {
  const dir = opts.dataDir ? undefined : tmpDir();
  const dataDir = opts.dataDir ?? dir!.path;
  const logs: string[] = [];
  const server = await startServer(testConfig(dataDir, opts.env), captureLogger(logs), { ephemeralSyslog: true, now: opts.now, alerts: opts.alerts });
  return {
    ...server,
    dataDir,
    logs,
    async stop() {
      await server.close();
      dir?.cleanup();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const BIN = fileURLToPath(new URL('../../bin/driftwood.js', import.meta.url));
/** What `npm start` runs: the bundle that test/global-setup.ts builds, as `npm run build` does. */
export const BUNDLE_BIN = fileURLToPath(new URL('../../server/dist/main.js', import.meta.url));

/** For tests that run the CLI as separate processes: each start takes seconds on a loaded machine. */
export const CLI_TEST_TIMEOUT_MS = 120_000;

/** Runs the CLI as a separate process and collects its output. */
export function runCli(args: string[], env: Record<string, string>, input?: string, bin = BIN): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(input ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `driftwood serve` as a child process (for kill -9 tests); resolves once it prints its URL. */
export async function spawnServer(env: Record<string, string>, bin = BIN): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { child, url, output: () => out };
}
