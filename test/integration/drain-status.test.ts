// The sources screen's "waiting for the first event…" indicator (issue 12): GET /api/v1/drains/:id.json
// says null until a line arrives through the drain, then shows that first line.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Drain, DrainStatus } from '../../shared/api.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let api: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  api = await apiClientFor(server); // an admin: drains are admin routes
});
afterAll(() => server.stop());

async function createDrain(name: string): Promise<Drain> {
  const res = await fetch(`${api.url}/api/v1/drains.json`, { method: 'POST', headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  expect(res.status).toBe(201);
  return (await res.json()) as Drain;
}

const status = async (id: number | string) => api.get<DrainStatus>(`/api/v1/drains/${id}.json`);
const send = (drain: Drain, body: string) => fetch(`${api.url}/drains/${drain.token}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });

test('a new drain has no first event; after lines arrive it shows the first of them', async () => {
  const drain = await createDrain('checkout');
  const before = await status(drain.id);
  expect(before.status).toBe(200);
  expect(before.body).toMatchObject({ id: drain.id, name: 'checkout', url: drain.url, first_event: null, last_event_at: null });

  expect((await send(drain, 'hello from checkout\nsecond line')).status).toBe(204);
  expect((await send(drain, 'third line')).status).toBe(204);
  const after = (await status(drain.id)).body;
  expect(after.first_event).toMatchObject({ message: 'hello from checkout', source_name: 'checkout' });
  const newest = (await api.search('', { system_id: 'checkout', limit: '1' })).events[0]!;
  expect(newest.message).toBe('third line');
  expect(after.last_event_at).toBe(newest.received_at);
  expect((await status('checkout')).body.first_event!.id).toBe(after.first_event!.id); // by name too
});

test('lines a same-named syslog sender sent before the drain existed are not its first event', async () => {
  const old: NewEvent = { receivedMs: Date.now(), sourceIp: '10.0.0.5', systemName: 'billing', hostname: 'billing', program: 'cron', severity: 6, facility: 9, generatedAt: null, message: 'from syslog, before the drain', fields: {}, flags: [] };
  server.store.append([{ events: [old] }]);
  await new Promise((r) => setTimeout(r, 5));
  const drain = await createDrain('billing');
  expect((await status(drain.id)).body.first_event).toBeNull();
  expect((await send(drain, 'through the drain')).status).toBe(204);
  expect((await status(drain.id)).body.first_event).toMatchObject({ message: 'through the drain' });
});

test('an unknown drain is a 404', async () => {
  const r = await status(999_999);
  expect(r.status).toBe(404);
  expect(r.body).toEqual({ message: 'no drain "999999"' });
});
