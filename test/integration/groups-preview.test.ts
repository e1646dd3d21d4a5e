// The group editor's live preview (issue 12): which systems a wildcard would take in, before saving.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ApiError, Group, GroupPreviewResponse } from '../../shared/api.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { apiClient, apiClientFor, type ApiClient } from '../helpers/api.ts';
import { apiToken } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let member: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  const admin = await apiClientFor(server);
  member = apiClient(admin.url, await apiToken(server.store, { role: 'member' }));
  const line = (systemName: string): NewEvent => ({ receivedMs: Date.now(), sourceIp: '10.0.0.1', systemName, hostname: systemName, program: 'app', severity: 6, facility: 1, generatedAt: null, message: 'hi', fields: {}, flags: [] });
  server.store.append([{ events: ['web-2', 'Web-1', 'db-1', 'web-proxy', 'staging-web-1'].map(line) }]);
});
afterAll(() => server.stop());

const preview = (wildcard: string) => member.get<GroupPreviewResponse & ApiError>(`/api/v1/groups/preview.json?${new URLSearchParams({ system_wildcard: wildcard })}`);

test('a wildcard previews the systems it matches, by name, case-insensitively', async () => {
  const { status, body } = await preview('web-*');
  expect(status).toBe(200);
  expect(body.systems.map((s) => s.name)).toEqual(['Web-1', 'web-2', 'web-proxy']);
  expect(body.systems[0]).toMatchObject({ id: expect.any(Number), last_seen_at: expect.any(String) });
  expect((await preview('*-1')).body.systems.map((s) => s.name)).toEqual(['db-1', 'staging-web-1', 'Web-1']);
  expect((await preview('nothing-*')).body.systems).toEqual([]);
});

test('the preview lists exactly the members the saved group gets', async () => {
  const admin = await apiClientFor(server);
  const res = await fetch(`${admin.url}/api/v1/groups.json`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'web', system_wildcard: 'web-*' }) });
  const group = (await res.json()) as Group;
  expect((await preview('web-*')).body.systems.map((s) => s.id).sort()).toEqual([...group.system_ids].sort());
});

test('a missing or empty wildcard is a 400', async () => {
  const { status, body } = await member.get<ApiError>('/api/v1/groups/preview.json');
  expect(status).toBe(400);
  expect(body.message).toMatch(/system_wildcard/);
  expect((await preview('')).status).toBe(400);
});
