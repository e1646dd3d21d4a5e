// The search API as a Papertrail client uses it: paging, time bounds, qualifiers, histogram,
// context — on a real server over a seeded store that spans a day boundary.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ContextResponse, HistogramResponse, SearchResponse } from '../../shared/api.ts';
import type { NewEvent } from '../../server/store/types.ts';
import { apiClientFor, type ApiClient } from '../helpers/api.ts';
import { apiToken } from '../helpers/auth.ts';
import { runCli, startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let api: ApiClient;
const T0 = Date.parse('2026-05-29T23:00:00Z'); // 10,000 events over two hours, across midnight
const N = 10_000;
const STEP_MS = 720;

function seedEvent(i: number): NewEvent {
  const router = i % 2 === 0;
  const status = i % 100 === 0 ? 503 : 200;
  return {
    receivedMs: T0 + i * STEP_MS,
    sourceIp: '10.0.0.1',
    systemName: i % 1000 === 999 ? 'lonely-host' : i % 10 === 3 ? 'worker-1' : 'web-1',
    hostname: i % 10 === 3 ? 'worker-1' : 'web-1',
    program: router ? 'heroku/router' : 'app/web.1',
    severity: status === 503 ? 3 : 6,
    facility: 23,
    generatedAt: null,
    message: router ? `at=info method=GET path="/items/${i}" status=${status} service=${i % 50}ms seq=${i}` : `Processing item ${i} seq=${i}${i === 4243 ? ' needle-in-haystack' : ''}`,
    fields: {},
    flags: [],
  };
}

beforeAll(async () => {
  server = await startTestServer();
  for (let i = 0; i < N; i += 500) server.store.append([{ events: Array.from({ length: 500 }, (_, k) => seedEvent(i + k)) }]);
  api = await apiClientFor(server);
});
afterAll(() => server.stop());

const seqs = (r: SearchResponse) => r.events.map((e) => Number(e.fields.seq));

describe('paging', () => {
  test('max_id pages back over 10,000 events with no gap and no duplicate', async () => {
    const seen: number[] = [];
    let page = await api.search('seq', { limit: '777' });
    for (;;) {
      seen.unshift(...seqs(page));
      if (page.reached_beginning) break;
      expect(page.reached_record_limit).toBe(true);
      page = await api.search('seq', { limit: '777', max_id: page.min_id });
    }
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => i));
  });

  test('min_id pages forward (oldest first) to the end, and events are oldest-first within a page', async () => {
    const first = await api.search('seq', { limit: '1' });
    const seen: number[] = [];
    let page = await api.search('seq', { limit: '1000', min_id: '0' });
    for (;;) {
      seen.push(...seqs(page));
      if (page.reached_end) break;
      page = await api.search('seq', { limit: '1000', min_id: page.max_id });
    }
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(first.events[0]!.fields.seq).toBe(String(N - 1));
  });

  test('min_time with tail=false pages forward from that time, oldest first, as papertrail-cli --min-time asks', async () => {
    const from = 8500; // its received_at falls on a whole second
    const minTime = String((T0 + from * STEP_MS) / 1000);
    const seen: number[] = [];
    let page = await api.search('seq', { min_time: minTime, tail: 'false' });
    for (;;) {
      seen.push(...seqs(page));
      // What the CLI stops on (`max_time_at > max_time`): when max_id was received.
      expect(page.max_time_at).toBe(page.events.at(-1)!.received_at);
      expect(page.min_time_at).toBe(page.events[0]!.received_at);
      if (page.reached_end) break;
      page = await api.search('seq', { min_id: page.max_id, tail: 'false' });
    }
    expect(seen).toEqual(Array.from({ length: N - from }, (_, i) => from + i));
    // Without tail=false, min_time alone is still a bound on the newest page (the viewer's and our CLI's use).
    expect(seqs(await api.search('seq', { min_time: minTime, limit: '3' }))).toEqual([N - 3, N - 2, N - 1]);
  });

  test('tail=true with min_id returns the newest events after it', async () => {
    const all = await api.search('seq', { limit: '10' });
    const r = await api.search('seq', { min_id: all.events[4]!.id, tail: 'true', limit: '3' });
    expect(seqs(r)).toEqual([N - 3, N - 2, N - 1]);
  });
});

describe('filters', () => {
  test('min_time and max_time bound received_at (Unix seconds, max inclusive of its second)', async () => {
    const min = Math.floor((T0 + 1000 * STEP_MS) / 1000);
    const max = Math.floor((T0 + 1999 * STEP_MS) / 1000);
    const r = await api.search('seq', { min_time: String(min), max_time: String(max), limit: '10000' });
    for (const e of r.events) {
      const t = Date.parse(e.received_at) / 1000;
      expect(t).toBeGreaterThanOrEqual(min);
      expect(t).toBeLessThan(max + 1);
    }
    expect(r.events.length).toBeGreaterThan(990);
  });

  test('qualifiers and field comparisons', async () => {
    const count = async (q: string, params: Record<string, string> = {}) => (await api.search(q, { limit: '10000', ...params })).events.length;
    expect(await count('program:heroku/router status>=500')).toBe(N / 100);
    expect(await count('severity:error')).toBe(N / 100);
    expect(await count('severity:>=warning')).toBe(N / 100);
    expect(await count('sender:worker-*')).toBe(N / 10);
    // A quiet sender (0.1% of lines) is searched through its own index, with the same answers.
    expect(await count('sender:lonely-host')).toBe(N / 1000);
    expect(await count('sender:lonely-host processing')).toBe(N / 1000);
    expect(await count('sender:lonely-host -"item 1999"')).toBe(N / 1000 - 1);
    expect(await count('seq', { system_id: 'lonely-host' })).toBe(N / 1000);
    expect(await count('host:web-1 -program:heroku/router')).toBe(N / 2 - N / 10);
    expect(await count('service>=45ms program:heroku/router')).toBe(400); // even i: service 46 and 48ms
    expect(await count('needle-in-haystack')).toBe(1);
    expect(await count('"item 4243"')).toBe(1);
    expect(await count('path="/items/424')).toBe(6); // router lines are the even ones: 424, 4240 … 4248
    expect(await count('seq', { system_id: 'worker-1' })).toBe(N / 10);
  });

  test('group_id restricts to the systems of a group', async () => {
    const res = await fetch(`${api.url}/api/v1/groups.json`, { method: 'POST', headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'workers', system_wildcard: 'worker-*' }) });
    expect(res.status).toBe(201);
    const group = (await res.json()) as { id: number };
    expect((await api.search('seq', { group_id: String(group.id), limit: '10000' })).events).toHaveLength(N / 10);
    expect((await api.search('group:workers', { limit: '10000' })).events).toHaveLength(N / 10);
  });

  test('a bad query is a 400 that says where', async () => {
    const { status, body } = await api.get<{ message: string }>(`/api/v1/events/search.json?q=${encodeURIComponent('a (b OR c')}`);
    expect(status).toBe(400);
    expect(body.message).toMatch(/\)/);
  });
});

describe('histogram and context', () => {
  test('a time-only histogram counts every event per bucket', async () => {
    const min = T0 / 1000;
    const { body } = await api.get<HistogramResponse>(`/api/v1/events/histogram.json?min_time=${min}&max_time=${min + 7200}&buckets=120`);
    expect(body.buckets).toHaveLength(120);
    expect(body.buckets.reduce((n, b) => n + b.count, 0)).toBe(N);
    expect(body.buckets[0]).toEqual({ t: min, count: Math.ceil(60_000 / STEP_MS) });
  });

  test('a histogram with a query counts only matches', async () => {
    const min = T0 / 1000;
    const { body } = await api.get<HistogramResponse>(`/api/v1/events/histogram.json?q=status%3E%3D500&min_time=${min}&max_time=${min + 7200}&buckets=4`);
    expect(body.buckets.reduce((n, b) => n + b.count, 0)).toBe(N / 100);
  });

  test('context returns the events around one event from the same system, across midnight', async () => {
    // seq 5000 is at 00:00:00 on 2026-05-30: its neighbours live in two day files.
    const target = (await api.search('"item 5001"')).events[0]!;
    const { status, body } = await api.get<ContextResponse>(`/api/v1/events/${target.id}/context.json?before=3&after=2`);
    expect(status).toBe(200);
    expect(body.target_id).toBe(target.id);
    expect(body.events.map((e) => Number(e.fields.seq))).toEqual([4997, 4998, 5000, 5001, 5002, 5004]); // 4999 is lonely-host
  });
});

describe('CLI', () => {
  test('driftwood search prints Papertrail-like lines from a real server', async () => {
    const token = await apiToken(server.store, { role: 'member' });
    const env = { DRIFTWOOD_URL: api.url, DRIFTWOOD_TOKEN: token };
    const r = await runCli(['search', 'needle-in-haystack'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('May 29 23:50:54 worker-1 app/web.1: Processing item 4243 seq=4243 needle-in-haystack\n');
    const json = await runCli(['search', 'status>=500', '--json', '--limit', '3', '--max-time', '2026-05-30T01:00:00Z'], env);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { fields: { status: string } });
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.fields.status === '503')).toBe(true);
  });

  test('driftwood search explains a missing token and a bad time', async () => {
    const noToken = await runCli(['search', 'x'], { DRIFTWOOD_URL: api.url, DRIFTWOOD_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/DRIFTWOOD_TOKEN/);
    const badTime = await runCli(['search', 'x', '--min-time', 'banana'], { DRIFTWOOD_URL: api.url, DRIFTWOOD_TOKEN: 'x' });
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toMatch(/not a time/);
  });
});

// Last: it adds a sender. What the server keeps between requests (the systems a query compiles
// against, resolved tokens: store/until-changed.ts) never hides a change; a revoked token is
// test/integration/auth-tokens.test.ts's.
describe('freshness', () => {
  test('a search for a sender name finds a sender that first sent after the same search found nothing', async () => {
    expect((await api.search('newcomer')).events).toHaveLength(0);
    const drain = server.store.drains.create('newcomer-app', Date.now());
    const res = await fetch(`${server.url}/drains/${drain.token}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'a line that names nobody' });
    expect(res.status).toBe(204);
    const found = await api.search('newcomer');
    expect(found.events.map((e) => [e.source_name, e.message])).toEqual([['newcomer-app', 'a line that names nobody']]);
  });

  test('a poller handing max_id back as min_id sees what arrives after a page that found nothing', async () => {
    // As Papertrail's clients follow a search: the newest page (tail=true), then min_id = max_id.
    const late = (n: number): NewEvent => ({ ...seedEvent(0), receivedMs: Date.now(), systemName: 'late-host', message: `latecomer ${n}` });
    const start = await api.search('latecomer', { tail: 'true' });
    expect(start.events).toHaveLength(0);
    const empty = await api.search('latecomer', { min_id: start.max_id });
    expect(empty.events).toHaveLength(0);
    expect(empty.reached_end).toBe(true);
    server.store.append([{ events: [late(1)] }]);
    const first = await api.search('latecomer', { min_id: empty.max_id });
    expect(first.events.map((e) => e.message)).toEqual(['latecomer 1']);
    const none = await api.search('latecomer', { min_id: first.max_id, tail: 'true' });
    expect(none.events).toHaveLength(0);
    server.store.append([{ events: [late(2)] }]);
    const second = await api.search('latecomer', { min_id: none.max_id });
    expect(second.events.map((e) => e.message)).toEqual(['latecomer 2']);
  });
});
