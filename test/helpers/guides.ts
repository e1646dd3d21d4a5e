// The guides in docs/guides/ are tested by running their own text: a fenced code block is named
// by the second word of its info string (```conf rsyslog-tcp), and a test takes it from the
// markdown, puts in its own host, ports and paths, and runs it. A guide edit cannot drift from its test.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpDir } from './tmp.ts';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { Event } from '../../shared/event.ts';
import { apiClientFor, type ApiClient } from './api.ts';
import { sendUdp } from './ingest.ts';
import { startTestServer, type TestServer } from './server.ts';
import { waitUntil } from './tail.ts';

const GUIDES = fileURLToPath(new URL('../../docs/guides/', import.meta.url));

/** The code block named `name` in docs/guides/`file`; `replace` swaps each key for its value. */
export function guideBlock(file: string, name: string, replace: Record<string, string | number> = {}): string {
  const text = readFileSync(join(GUIDES, file), 'utf8');
  const blocks = [...text.matchAll(/^```[\w-]* ([\w-]+)[^\n]*\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === name);
  if (blocks.length !== 1) throw new Error(`docs/guides/${file}: expected one code block named "${name}", found ${blocks.length}`);
  let block = blocks[0]![2]!;
  for (const [from, to] of Object.entries(replace)) {
    if (!block.includes(from)) throw new Error(`docs/guides/${file} block "${name}" no longer contains "${from}"`);
    block = block.replaceAll(from, String(to));
  }
  return block;
}

/** A self-signed certificate for `name` (and 127.0.0.1), made with openssl as the guides say. */
export function makeCert(dir: string, name = 'logs.example.com'): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name},IP:127.0.0.1`, '-days', '2', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

/** A test server with syslog over TLS on, its certificate made for `name` in a new folder under `dir`. */
export async function startTlsServer(dir: string, name?: string): Promise<{ server: TestServer; cert: string }> {
  const { cert, key } = makeCert(mkdtempSync(join(dir, 'certs-')), name);
  return { server: await startTestServer({ env: { DRIFTWOOD_TLS_CERT: cert, DRIFTWOOD_TLS_KEY: key } }), cert };
}

/** The first event matching `q`, waiting for it to arrive (syslog is committed a moment after it is sent). */
export async function firstMatch(api: ApiClient, q: string): Promise<Event> {
  const [e] = (await api.waitFor(q, 1)).events;
  if (!e) throw new Error(`nothing matches ${q}`);
  return e;
}

/** For a test file: a TLS-enabled server (and an admin's API client) started before its tests, stopped after. */
export function tlsServerHarness(): { server: TestServer; api: ApiClient } {
  const dir = tmpDir();
  const h = {} as { server: TestServer; api: ApiClient };
  beforeAll(async () => {
    ({ server: h.server } = await startTlsServer(dir.path));
    h.api = await apiClientFor(h.server);
  });
  afterAll(async () => {
    await h.server?.stop();
    dir.cleanup();
  });
  return h;
}

/**
 * Sends syslog lines to a daemon's UDP input once it listens: a probe line goes out until the
 * daemon's own file output (`seenLog`) shows it, then the lines, until the file shows them all.
 */
export async function feedDaemon(seenLog: string, input: number, lines: string[]): Promise<void> {
  const seen = () => (existsSync(seenLog) ? readFileSync(seenLog, 'utf8') : '');
  // A daemon starting on a busy machine may take a while to bind its input.
  const deadline = Date.now() + 30_000;
  while (!seen().includes('daemon-is-up')) {
    if (Date.now() > deadline) throw new Error(`the daemon did not start listening on UDP ${input}`);
    await sendUdp(input, ['<14>Nov 28 09:00:00 probe probe: daemon-is-up']);
    await new Promise((r) => setTimeout(r, 100));
  }
  await sendUdp(input, lines);
  await waitUntil('the daemon to take every line', () => lines.every((l) => seen().includes(l.slice(l.indexOf(': ') + 2))));
}

/** Runs a program to its end without blocking the event loop (the test's server runs in this process). */
export function runProgram(bin: string, args: string[], opts: { input?: string; cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
