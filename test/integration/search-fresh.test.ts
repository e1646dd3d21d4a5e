// What the server keeps between requests (the systems a query compiles against, resolved tokens:
// store/until-changed.ts) never hides a change: each request sees the data as it is. (A revoked
// token, by the API or by the CLI in another process: test/integration/auth-tokens.test.ts.)
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = await apiClientFor(server);
});
afterAll(() => server.stop());

test('a search for a sender name finds a sender that first sent after the same search found nothing', async () => {
  expect((await api.search('newcomer')).events).toHaveLength(0);
  const drain = server.store.drains.create('newcomer-app', Date.now());
  const res = await fetch(`${server.url}/drains/${drain.token}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'a line that names nobody' });
  expect(res.status).toBe(204);
  const found = await api.search('newcomer');
  expect(found.events.map((e) => [e.source_name, e.message])).toEqual([['newcomer-app', 'a line that names nobody']]);
});
