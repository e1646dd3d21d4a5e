// The systems screen's one request (issue 12): every sender with where its lines come from (drain
// or syslog address), its last-seen time and its events per hour over 24 h, through real ingest.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ApiError, System, SystemActivity } from '../../shared/api.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { sendUdp } from '../helpers/ingest.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const HOUR_MS = 3_600_000;
let server: TestServer;
let api: ApiClient;
let drainId: number;
let systems: SystemActivity[];

beforeAll(async () => {
  server = await startTestServer();
  // Three hours ago (yesterday's day file early in a UTC day): 5 lines from db-7. Stored first:
  // ids never go back, so lines appended after newer ones would count as received now.
  const earlier: NewEvent = { receivedMs: Date.now() - 3 * HOUR_MS, sourceIp: '127.0.0.1', systemName: 'db-7', hostname: 'db-7', program: 'cron', severity: 6, facility: 9, generatedAt: null, message: 'earlier', fields: {}, flags: [] };
  server.store.append([{ events: Array.from({ length: 5 }, () => earlier) }]);
  api = await apiClientFor(server);
  const drain = server.store.drains.create('shop', Date.now());
  drainId = drain.id;
  const res = await fetch(`${api.url}/drains/${drain.token}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'order 1\norder 2\norder 3' });
  expect(res.status).toBe(204);
  await sendUdp(server.syslogPort!, ['<13>1 - db-7 cron - - - nightly backup done']);
  await api.waitFor('nightly', 1);
  const r = await api.get<SystemActivity[]>('/api/v1/systems.json?include=activity');
  expect(r.status).toBe(200);
  systems = r.body;
});
afterAll(() => server.stop());

const byName = (name: string) => systems.find((s) => s.name === name)!;

test('a drain\'s system says which drain; a syslog sender says its address', () => {
  expect(byName('shop').source).toEqual({ type: 'drain', drain_id: drainId, name: 'shop' });
  expect(byName('db-7').source).toEqual({ type: 'syslog', address: '127.0.0.1' });
});

test('each system has 24 hourly counts ending with the hour in progress', () => {
  const start = Math.floor(Date.now() / HOUR_MS) * 3600 - 23 * 3600;
  for (const s of systems) {
    expect(s.volume_start).toBe(start);
    expect(s.volume).toHaveLength(24);
  }
  expect(byName('shop').volume.at(-1)).toBe(3);
  expect(byName('shop').volume.slice(0, -1).every((n) => n === 0)).toBe(true);
  expect(byName('db-7').volume.at(-1)).toBe(1);
  expect(byName('db-7').volume.at(-4)).toBe(5);
});

test('the last-seen time is the newest line\'s', () => {
  expect(Date.now() - Date.parse(byName('shop').last_seen_at)).toBeLessThan(60_000);
});

test('without include, systems.json keeps its Papertrail shape', async () => {
  const r = await api.get<System[]>('/api/v1/systems.json');
  expect(Object.keys(r.body[0]!).sort()).toEqual(['first_seen_at', 'id', 'ip', 'last_seen_at', 'name']);
});

test('an unknown include is a 400 that names it', async () => {
  const r = await api.get<ApiError>('/api/v1/systems.json?include=everything');
  expect(r.status).toBe(400);
  expect(r.body.message).toMatch(/include: "everything"/);
});
