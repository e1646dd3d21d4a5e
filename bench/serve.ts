// A server on a bench's data directory, and timed GETs against it (keep-alive, so the numbers
// are the server's): `driftwood serve` as a child process, as production runs it.
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import net from 'node:net';

export interface BenchServer {
  /** GETs `path` with the token; the time until the whole body arrived, and the body. */
  get(path: string): Promise<{ ms: number; text: string }>;
  stop(): Promise<void>;
}

export async function serveBench(dataDir: string, token: string): Promise<BenchServer> {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const server = spawn(process.execPath, [new URL('../bin/driftwood.js', import.meta.url).pathname, 'serve'], {
    env: { ...process.env, DRIFTWOOD_DATA_DIR: dataDir, DRIFTWOOD_HTTP_HOST: '127.0.0.1', DRIFTWOOD_HTTP_PORT: String(port), DRIFTWOOD_SYSLOG_PORT: '0' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve) => server.stdout!.on('data', (d: Buffer) => d.toString().includes('running at') && resolve()));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    async get(path) {
      const t = performance.now();
      const text = await new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${path}: ${res.statusCode} ${body}`))));
        })
          .on('error', reject)
          .end();
      });
      return { ms: performance.now() - t, text };
    },
    async stop() {
      agent.destroy();
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    },
  };
}

export const quantile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
