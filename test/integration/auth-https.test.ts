// Optional HTTPS (DESIGN 1): with DRIFTWOOD_HTTP_TLS_CERT/_KEY the server speaks TLS, sends HSTS,
// and marks the session cookie Secure.
import { execFileSync } from 'node:child_process';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createUser, TEST_PASSWORD } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

let server: TestServer;
const certs = tmpDir();

beforeAll(async () => {
  const key = join(certs.path, 'key.pem');
  const cert = join(certs.path, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  server = await startTestServer({ env: { DRIFTWOOD_HTTP_TLS_CERT: cert, DRIFTWOOD_HTTP_TLS_KEY: key } });
});
afterAll(async () => {
  await server.stop();
  certs.cleanup();
});

function httpsRequest(path: string, method: string, body?: unknown): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.httpPort, path, method, rejectUnauthorized: false, headers: body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

test('over HTTPS the server sends HSTS', async () => {
  expect(server.url).toMatch(/^https:/);
  const res = await httpsRequest('/healthz', 'GET');
  expect(res.status).toBe(200);
  expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
});

test('over HTTPS the session cookie is Secure', async () => {
  const { email } = await createUser(server.store);
  const res = await httpsRequest('/api/v1/session', 'POST', { email, password: TEST_PASSWORD });
  expect(res.status).toBe(200);
  expect(String(res.headers['set-cookie'])).toMatch(/driftwood_session=[\w-]+;.*; Secure/i);
});
