// WS /api/v1/tail against a real server with real WebSocket clients (DESIGN 4, issue 5): exact
// matching, resume without gaps or repeats, a stalled client skipped while others keep up, and
// upgrades without credentials refused and audited.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TailSkipped } from '../../shared/api.ts';
import { TAILS_PER_USER_MAX } from '../../server/tail/hub.ts';
import { apiClient, type ApiClient } from '../helpers/api.ts';
import { apiToken, createUser } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { openTailClient, postLines, postSyslog, UpgradeRefused, waitUntil, type TailClient } from '../helpers/tail.ts';

let server: TestServer;
let url: string;
let token: string;
let api: ApiClient;
const drains: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  url = server.url.replace('localhost', '127.0.0.1');
  token = await apiToken(server.store);
  api = apiClient(url, token);
  for (const name of ['web-1', 'web-2', 'worker-1']) {
    drains[name] = server.store.drains.create(name, Date.now()).token;
    await postLines(url, drains[name]!, [`${name} says hello`]); // the system exists from its first line
  }
});

afterAll(async () => {
  await server?.stop();
});

/** Every match of `q` stored after `afterId`, oldest first, through search (the SQL back end). */
async function searchAll(q: string, afterId: string, params: Record<string, string> = {}): Promise<string[]> {
  const ids: string[] = [];
  let minId = afterId;
  for (;;) {
    const page = await api.search(q, { min_id: minId, limit: '10000', ...params });
    ids.push(...page.events.map((e) => e.id));
    if (!page.reached_record_limit) return ids;
    minId = page.max_id;
  }
}

function syslogLine(i: number): string {
  const kinds = [
    `at=error code=H12 method=GET path="/api/v1/orders" status=503 service=30000ms`,
    `at=info method=GET path="/healthcheck" status=200 service=2ms`,
    `ERROR payment failed for order ${i}: timeout after 120ms`,
    `INFO rendered template in 12ms`,
    `WARNING cache miss ratio high`,
    `at=info method=POST path="/add_list" status=201 service=88ms`,
  ];
  const program = i % 3 === 0 ? 'heroku router' : `app web.${(i % 2) + 1}`;
  return `<190>1 2026-05-30T16:24:40+00:00 host ${program} - ${kinds[i % kinds.length]} mixed-${i}\n`;
}

test('a tail sees exactly the matching events of a mixed stream', async () => {
  server.store.groups.save({ name: 'web', system_wildcard: 'web-*', system_ids: [] }, Date.now());
  const queries: { q: string; params?: Record<string, string> }[] = [
    { q: 'mixed error' },
    { q: 'mixed sender:web-* status>=500' },
    { q: 'mixed group:web -healthcheck' },
    { q: 'mixed', params: { system_id: 'worker-1' } },
    { q: 'mixed program:app/* severity:>=warning' },
    { q: 'mixed ~"took|timeout after \\d+ms"' },
    { q: 'mixed -(status=200 OR status=201)', params: { group_id: 'web' } },
  ];
  const tails: TailClient[] = [];
  for (const { q, params } of queries) tails.push(await openTailClient(url, { q, ...params }, { token }));
  await Promise.all(tails.map((t) => t.live()));
  const startIds = tails.map((t) => t.messages.find((m) => m.type === 'live')!);

  // 600 lines from three systems, in batches, while the tails are open.
  const names = Object.keys(drains);
  for (let b = 0; b < 20; b++) {
    await Promise.all(names.map((name, k) => postSyslog(url, drains[name]!, Array.from({ length: 10 }, (_, i) => syslogLine(b * 30 + k * 10 + i)))));
  }
  const total = await searchAll('mixed', startIds[0]!.type === 'live' ? startIds[0]!.last_id : '0');
  expect(total).toHaveLength(600);

  for (const [i, { q, params }] of queries.entries()) {
    const live = startIds[i]!;
    if (live.type !== 'live') throw new Error('no live message');
    const want = await searchAll(q, live.last_id, params);
    expect(want.length, q).toBeGreaterThan(0);
    expect(want.length, q).toBeLessThan(600);
    await tails[i]!.waitFor(`${want.length} events for ${q}`, () => tails[i]!.events.length >= want.length);
    // A moment more: nothing extra arrives.
    await new Promise((r) => setTimeout(r, 150));
    expect(tails[i]!.events.map((e) => e.id), q).toEqual(want);
    expect(tails[i]!.skipped).toBe(0);
  }
  await Promise.all(tails.map((t) => t.close()));
});

test('resume after a disconnect yields every event once', async () => {
  const N_BATCHES = 40;
  const PER_BATCH = 25;
  let sent = 0;
  let stop = false;
  const writer = (async () => {
    for (let b = 0; b < N_BATCHES && !stop; b++) {
      await postLines(url, drains['web-1']!, Array.from({ length: PER_BATCH }, (_, i) => `resume-run line ${b * PER_BATCH + i}`));
      sent += PER_BATCH;
      await new Promise((r) => setTimeout(r, 15));
    }
  })();

  const seen: string[] = [];
  const messages: string[] = [];
  let lastId: string | undefined;
  let liveId: string | undefined;
  // Three connections: each killed mid-stream (no close handshake) while ingest continues.
  for (let round = 0; round < 3; round++) {
    const tail = await openTailClient(url, { q: 'resume-run', ...(lastId ? { min_id: lastId } : {}) }, { token });
    await tail.live();
    liveId ??= (tail.messages.find((m) => m.type === 'live') as { last_id: string }).last_id;
    const target = seen.length + tail.events.length + 150;
    await waitUntil('events before the cut', () => seen.length + tail.events.length >= target || sent >= N_BATCHES * PER_BATCH);
    tail.ws.terminate();
    await tail.closed;
    seen.push(...tail.events.map((e) => e.id));
    messages.push(...tail.events.map((e) => e.message));
    lastId = seen.at(-1) ?? tail.messages.filter((m) => m.type === 'live').map((m) => (m as { last_id: string }).last_id).at(-1);
    await new Promise((r) => setTimeout(r, 60)); // events arrive while nobody listens
  }
  const tail = await openTailClient(url, { q: 'resume-run', min_id: lastId }, { token });
  await writer;
  const total = N_BATCHES * PER_BATCH;
  await tail.waitFor('every line', () => seen.length + tail.events.length >= total).catch((e: Error) => {
    throw new Error(`${e.message}: ${seen.length} before the last connect, ${tail.events.length} after (from ${lastId}); ${sent} sent`);
  });
  await new Promise((r) => setTimeout(r, 150));
  seen.push(...tail.events.map((e) => e.id));
  messages.push(...tail.events.map((e) => e.message));
  await tail.close();

  expect(new Set(seen).size).toBe(seen.length); // no duplicates
  expect(seen).toHaveLength(total);
  expect(messages).toEqual(Array.from({ length: total }, (_, i) => `resume-run line ${i}`));
  expect(seen).toEqual(await searchAll('resume-run', liveId!));
});

test('backfill sends the newest N stored matches first, then the live stream', async () => {
  await postLines(url, drains['web-2']!, Array.from({ length: 30 }, (_, i) => `backfill-case ${i}`));
  const tail = await openTailClient(url, { q: 'backfill-case', backfill: '10' }, { token });
  await tail.live();
  expect(tail.events.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `backfill-case ${20 + i}`));
  await postLines(url, drains['web-2']!, ['backfill-case 30']);
  await tail.waitFor('the live line', () => tail.events.length === 11);
  expect(tail.events.at(-1)!.message).toBe('backfill-case 30');
  await tail.close();
});

test('min_time starts the stored part at a point in time', async () => {
  const since = Math.floor(Date.now() / 1000);
  await postLines(url, drains['web-2']!, ['since-case a', 'since-case b']);
  const tail = await openTailClient(url, { q: 'since-case', min_time: String(since) }, { token });
  await tail.live();
  expect(tail.events.map((e) => e.message)).toEqual(['since-case a', 'since-case b']);
  const later = await openTailClient(url, { q: 'since-case', min_time: String(since + 3600) }, { token });
  await later.live();
  expect(later.events).toEqual([]);
  await Promise.all([tail.close(), later.close()]);
});

test('a tail on a wildcard group sees a system that first sends after it opened', async () => {
  server.store.groups.save({ name: 'late', system_wildcard: 'late-*', system_ids: [] }, Date.now());
  const byTerm = await openTailClient(url, { q: 'group:late newcomer' }, { token });
  const byParam = await openTailClient(url, { q: 'newcomer', group_id: 'late' }, { token });
  await Promise.all([byTerm.live(), byParam.live()]);
  const late = server.store.drains.create('late-1', Date.now()).token;
  await postLines(url, drains['web-1']!, ['newcomer outside']);
  await postLines(url, late, ['newcomer inside']);
  await postLines(url, drains['web-1']!, ['newcomer marker']);
  const marker = await openTailClient(url, { q: 'newcomer marker', backfill: '1' }, { token });
  await marker.live(); // every line above is committed and published
  await new Promise((r) => setTimeout(r, 150));
  expect(byTerm.events.map((e) => e.message)).toEqual(['newcomer inside']);
  expect(byParam.events.map((e) => e.message)).toEqual(['newcomer inside']);
  await Promise.all([byTerm.close(), byParam.close(), marker.close()]);
});

test('a stalled client gets skipped while ingest and the other clients keep up', async () => {
  const TOTAL = 12_000;
  const BATCH = 500;
  const pad = 'x'.repeat(2000); // ~2 KB per event: the stalled socket's buffers fill quickly
  const stalled = await openTailClient(url, { q: 'stall-case' }, { token });
  const healthy = await openTailClient(url, { q: 'stall-case' }, { token });
  await Promise.all([stalled.live(), healthy.live()]);
  const liveId = (healthy.messages.find((m) => m.type === 'live') as { last_id: string }).last_id;
  // Stop reading: the kernel buffers fill, then the server's socket buffer, then the hub's queue.
  (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  const skippedBefore = server.metrics.value('driftwood_tail_events_skipped_total');

  let acknowledged = 0;
  for (let b = 0; b < TOTAL / BATCH; b++) {
    await postLines(url, drains['worker-1']!, Array.from({ length: BATCH }, (_, i) => `stall-case ${b * BATCH + i} ${pad}`));
    acknowledged += BATCH;
  }
  // Ingest was never held up: every batch was acknowledged, and the healthy client got them all.
  expect(acknowledged).toBe(TOTAL);
  await healthy.waitFor('every event at the healthy client', () => healthy.events.length >= TOTAL, 20_000);
  expect(healthy.events.map((e) => e.message.split(' ')[1])).toEqual(Array.from({ length: TOTAL }, (_, i) => String(i)));
  expect(healthy.skipped).toBe(0);

  // Resume reading: what arrives plus what is reported skipped is exactly the stream.
  (stalled.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  await stalled.waitFor('received + skipped = sent', () => stalled.events.length + stalled.skipped >= TOTAL, 20_000);
  expect(stalled.skipped).toBeGreaterThan(0);
  expect(stalled.events.length).toBeGreaterThan(0);
  expect(stalled.events.length + stalled.skipped).toBe(TOTAL);
  expect(server.metrics.value('driftwood_tail_events_skipped_total') - skippedBefore).toBe(stalled.skipped);

  // The skipped notices name id ranges that search fills exactly.
  const got = new Set(stalled.events.map((e) => e.id));
  for (const m of stalled.messages.filter((x): x is TailSkipped => x.type === 'skipped')) {
    const page = await api.search('stall-case', { min_id: m.min_id, max_id: m.max_id, limit: '10000' });
    expect(page.events).toHaveLength(m.count);
    for (const e of page.events) {
      expect(got.has(e.id)).toBe(false);
      got.add(e.id);
    }
  }
  expect([...got].sort()).toEqual((await searchAll('stall-case', liveId)).sort());
  await Promise.all([stalled.close(), healthy.close()]);
});

test('an unauthenticated upgrade is refused and logged as a security event', async () => {
  // A fresh server: the audit of anonymous requests is throttled per address.
  const fresh = await startTestServer();
  try {
    const freshUrl = fresh.url.replace('localhost', '127.0.0.1');
    const freshApi = apiClient(freshUrl, await apiToken(fresh.store));
    const anonymous = await openTailClient(freshUrl, { q: 'secret-things' }).catch((e: unknown) => e);
    expect(anonymous).toBeInstanceOf(UpgradeRefused);
    expect((anonymous as UpgradeRefused).status).toBe(401);

    const badToken = 'dw_not-a-real-token-0123456789';
    const forged = await openTailClient(freshUrl, { q: 'secret-things' }, { token: badToken, tokenIn: 'query' }).catch((e: unknown) => e);
    expect((forged as UpgradeRefused).status).toBe(401);

    const denied = await freshApi.waitFor('sender:driftwood program:security access_denied', 1);
    expect(denied.events[0]!.message).toContain('path=/api/v1/tail');
    expect(denied.events[0]!.fields).toMatchObject({ action: 'access_denied', outcome: 'denied', reason: 'no_credentials' });
    const unknown = await freshApi.waitFor('sender:driftwood program:security api_token', 1);
    expect(unknown.events[0]!.message).toContain('unknown token');
    // The token never reaches the server's log or the stored events.
    expect(fresh.logs.join('\n')).not.toContain(badToken);
    expect((await freshApi.search(badToken)).events).toEqual([]);

    // The same token in the query parameter is accepted (browsers cannot set WebSocket headers).
    const ok = await openTailClient(freshUrl, { q: 'x' }, { token: freshApi.token, tokenIn: 'query' });
    await ok.live();
    await ok.close();
  } finally {
    await fresh.stop();
  }
});

test('bad parameters and too many tails are refused with an error message', async () => {
  const bad = await openTailClient(url, { q: 'status>=' }, { token });
  const badClose = await bad.closed;
  expect(badClose.code).toBe(1008);
  expect(bad.messages).toEqual([{ type: 'error', message: expect.stringContaining('bad query') }]);

  const noGroup = await openTailClient(url, { q: 'x', group_id: 'nope' }, { token });
  expect((await noGroup.closed).code).toBe(1008);
  expect(noGroup.messages[0]).toMatchObject({ type: 'error', message: 'no group "nope"' });

  const capToken = await apiToken(server.store, { role: 'member' });
  const open: TailClient[] = [];
  for (let i = 0; i < TAILS_PER_USER_MAX; i++) open.push(await openTailClient(url, { q: `cap ${i}` }, { token: capToken }));
  await Promise.all(open.map((t) => t.live()));
  const extra = await openTailClient(url, { q: 'cap extra' }, { token: capToken });
  expect((await extra.closed).code).toBe(1008);
  expect(extra.messages[0]).toMatchObject({ type: 'error', message: expect.stringContaining('too many live tails') });
  // Another user is not affected; closing one frees a slot.
  const other = await openTailClient(url, { q: 'cap other' }, { token });
  await other.live();
  await open.pop()!.close();
  const again = await openTailClient(url, { q: 'cap again' }, { token: capToken });
  await again.live();
  await Promise.all([...open, other, again].map((t) => t.close()));
});

test('metrics count open tails and events sent', async () => {
  const openTails = () => server.metrics.value('driftwood_tail_open');
  const openBefore = openTails();
  const sentBefore = server.metrics.value('driftwood_tail_events_sent_total');
  const tail = await openTailClient(url, { q: 'metrics-case' }, { token });
  await tail.live();
  expect(openTails()).toBe(openBefore + 1);
  await postLines(url, drains['web-1']!, ['metrics-case one', 'metrics-case two']);
  await tail.waitFor('two events', () => tail.events.length === 2);
  expect(server.metrics.value('driftwood_tail_events_sent_total') - sentBefore).toBe(2);
  await tail.close();
  await waitUntil('the gauge to drop', () => openTails() === openBefore);
});

test('a tail ends when its token is revoked or its user removed, with a message saying so', async () => {
  const { user } = await createUser(server.store, { role: 'member' });
  const revoked = server.store.apiTokens.create(user.id, 'laptop', Date.now());
  const kept = server.store.apiTokens.create(user.id, 'desktop', Date.now());
  const first = await openTailClient(url, { q: 'revocation' }, { token: revoked.secret });
  const second = await openTailClient(url, { q: 'revocation' }, { token: kept.secret });
  await Promise.all([first.live(), second.live()]);

  server.store.apiTokens.revoke(revoked.token.id, Date.now()); // as `driftwood token rm` does, from any process
  expect(await first.closed).toEqual({ code: 1008, reason: 'refused' });
  expect(first.messages.at(-1)).toEqual({ type: 'error', message: 'this API token is no longer valid (revoked, or its user removed)' });
  expect(second.ws.readyState).toBe(second.ws.OPEN); // the other token still works

  server.store.users.remove(user.id);
  expect((await second.closed).code).toBe(1008);
}, 20_000);
