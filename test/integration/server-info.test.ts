// The settings screen's read-only view of the server (issue 12): GET /api/v1/server.json.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ServerInfo } from '../../shared/api.ts';
import { apiClient, apiClientFor, type ApiClient } from '../helpers/api.ts';
import { apiToken, buildTestApp } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let admin: ApiClient;
let member: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ env: { DRIFTWOOD_RETENTION_DAYS: '30', DRIFTWOOD_MAX_DISK_MB: '500', DRIFTWOOD_PUBLIC_URL: 'https://logs.example.com' } });
  admin = await apiClientFor(server);
  member = apiClient(admin.url, await apiToken(server.store, { role: 'member' }));
  const drain = server.store.drains.create('web', Date.now());
  const body = Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n');
  expect((await fetch(`${admin.url}/drains/${drain.token}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body })).status).toBe(204);
});
afterAll(() => server.stop());

test('an admin sees the version, settings, disk use, oldest day, ingest rate, ports and data directory', async () => {
  const { status, body } = await admin.get<ServerInfo>('/api/v1/server.json');
  expect(status).toBe(200);
  expect(body).toMatchObject({
    version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    public_url: 'https://logs.example.com',
    retention_days: 30,
    max_disk_mb: 500,
    oldest_day: new Date().toISOString().slice(0, 10),
    syslog_port: server.syslogPort, // the port bound, not the configured 0
    syslog_tls_port: null, // no certificate configured
    https: false,
    smtp_configured: false,
    data_dir: server.dataDir,
  });
  expect(body.disk_used_bytes).toBeGreaterThan(0);
  expect(body.ingest_rate).toBeGreaterThan(0); // 200 lines since the server started, moments ago
});

test('a member gets the same view without the data directory', async () => {
  const { status, body } = await member.get<ServerInfo>('/api/v1/server.json');
  expect(status).toBe(200);
  expect(body).not.toHaveProperty('data_dir');
  expect(body.public_url).toBe('https://logs.example.com');
});

test('SMTP shows as configured when DRIFTWOOD_SMTP_URL is set, never with its password', async () => {
  const t = await buildTestApp({ env: { DRIFTWOOD_SMTP_URL: 'smtp://mailer:s3cret-pass@mail.example.com:587' } });
  try {
    const token = await apiToken(t.store);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/server.json', headers: { authorization: `Bearer ${token}` } });
    expect(res.json()).toMatchObject({ smtp_configured: true, syslog_port: null, oldest_day: null, ingest_rate: 0 });
    expect(res.body).not.toContain('s3cret');
  } finally {
    await t.close();
  }
});

test('the server view needs credentials', async () => {
  expect((await fetch(`${admin.url}/api/v1/server.json`)).status).toBe(401);
});
