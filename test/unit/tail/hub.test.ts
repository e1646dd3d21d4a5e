// The tail hub on its own: bounded queues, drop-oldest with exact skipped ranges, the held phase
// of a resume, per-user caps, and that publishing never waits for a sink.
import { afterEach, expect, test, vi } from 'vitest';
import type { Event } from '../../../shared/event.ts';
import { captureLogger } from '../../helpers/server.ts';
import { Metrics } from '../../../server/metrics.ts';
import { encodeTailOut, TAIL_BATCH_MAX, TAIL_FLUSH_MS, TAIL_QUEUE_BYTES_MAX, TAIL_QUEUE_MAX, TAILS_PER_USER_MAX, TailHub, type TailOut, type TailSink } from '../../../server/tail/hub.ts';

afterEach(() => {
  vi.useRealTimers();
});

let nextId = 1000;
function ev(message: string): Event {
  return {
    id: String(nextId++),
    received_at: '2026-05-30T16:24:40.000Z',
    generated_at: null,
    display_received_at: 'May 30 16:24:40',
    source_ip: '10.0.0.1',
    source_id: 1,
    source_name: 'web-1',
    hostname: 'web-1',
    program: 'app/web.1',
    severity: 'Info',
    facility: 'Local7',
    message,
    fields: {},
    flags: [],
  };
}

function sink(ready = () => true): TailSink & { got: TailOut[]; ids: () => number[]; skipped: () => number } {
  const got: TailOut[] = [];
  return {
    got,
    ready,
    send: (m) => void got.push(m),
    ids: () => got.flatMap((m) => (m.type === 'events' ? m.items.map((i) => i.id) : [])),
    skipped: () => got.reduce((n, m) => n + (m.type === 'skipped' ? m.count : 0), 0),
  };
}

function setup() {
  vi.useFakeTimers();
  const metrics = new Metrics();
  const hub = new TailHub(metrics, captureLogger([]));
  return { metrics, hub };
}

test('a live subscriber gets its matches in one batch within the flush interval', () => {
  const { hub, metrics } = setup();
  const s = sink();
  const r = hub.subscribe({ owner: 'u1', match: (e) => e.message.includes('error'), sink: s });
  if (!r.ok) throw new Error(r.message);
  r.subscription.live(0);
  const events = ['error a', 'ok b', 'error c'].map(ev);
  hub.publish(events);
  expect(s.ids()).toEqual([]);
  vi.advanceTimersByTime(TAIL_FLUSH_MS);
  expect(s.got.map((m) => m.type)).toEqual(['live', 'events']);
  expect(s.ids()).toEqual([Number(events[0]!.id), Number(events[2]!.id)]);
  expect(metrics.value('driftwood_tail_events_sent_total')).toBe(2);
});

test('a stalled subscriber keeps the newest TAIL_QUEUE_MAX and is told exactly what was dropped', () => {
  const { hub, metrics } = setup();
  let ready = false;
  const slow = sink(() => ready);
  const fast = sink();
  const a = hub.subscribe({ owner: 'u1', match: () => true, sink: slow });
  const b = hub.subscribe({ owner: 'u2', match: () => true, sink: fast });
  if (!a.ok || !b.ok) throw new Error('subscribe');
  a.subscription.live(0);
  b.subscription.live(0);
  const events = Array.from({ length: TAIL_QUEUE_MAX + 250 }, (_, i) => ev(`line ${i}`));
  for (let i = 0; i < events.length; i += 50) {
    hub.publish(events.slice(i, i + 50));
    vi.advanceTimersByTime(TAIL_FLUSH_MS);
  }
  expect(fast.ids()).toHaveLength(events.length);
  expect(slow.ids()).toEqual([]);
  expect(a.subscription.queued).toBe(TAIL_QUEUE_MAX);

  ready = true;
  vi.advanceTimersByTime(TAIL_FLUSH_MS);
  const skipped = slow.got.find((m) => m.type === 'skipped');
  expect(skipped).toEqual({ type: 'skipped', count: 250, min_id: String(Number(events[0]!.id) - 1), max_id: String(Number(events[249]!.id) + 1) });
  expect(slow.ids()).toEqual(events.slice(250).map((e) => Number(e.id)));
  expect(metrics.value('driftwood_tail_events_skipped_total')).toBe(250);
  // Frames stay bounded.
  for (const m of slow.got) if (m.type === 'events') expect(m.items.length).toBeLessThanOrEqual(TAIL_BATCH_MAX);
});

test('big events: the queue keeps at most TAIL_QUEUE_BYTES_MAX of JSON, and at least the newest', () => {
  const { hub } = setup();
  const s = sink(() => false);
  const r = hub.subscribe({ owner: 'u1', match: () => true, sink: s });
  if (!r.ok) throw new Error(r.message);
  r.subscription.live(0);
  const big = 'z'.repeat(100_000);
  hub.publish(Array.from({ length: 100 }, () => ev(big)));
  const kept = r.subscription.queued;
  expect(kept).toBe(Math.floor(TAIL_QUEUE_BYTES_MAX / (JSON.stringify(ev(big)).length)));
  expect(r.subscription.takeDropped()?.count).toBe(100 - kept);
  hub.publish([ev('z'.repeat(TAIL_QUEUE_BYTES_MAX + 10))]);
  expect(r.subscription.queued).toBe(1);
});

test('held subscriber queues without sending; live(afterId) drops what the store part already sent', () => {
  const { hub } = setup();
  const s = sink();
  const r = hub.subscribe({ owner: 'u1', match: () => true, sink: s });
  if (!r.ok) throw new Error(r.message);
  const events = ['a', 'b', 'c', 'd'].map(ev);
  hub.publish(events);
  vi.advanceTimersByTime(TAIL_FLUSH_MS * 3);
  expect(s.got).toEqual([]);
  r.subscription.live(Number(events[1]!.id));
  vi.advanceTimersByTime(TAIL_FLUSH_MS);
  expect(s.got[0]).toEqual({ type: 'live', last_id: events[1]!.id });
  expect(s.ids()).toEqual([Number(events[2]!.id), Number(events[3]!.id)]);
});

test('a match sent from the store and published only after live() reaches the client once', () => {
  // The first tail after a start reads the store up to the newest committed id; that commit's
  // publish can come after the tail went live (a CLI tail resuming across a restart printed a line twice).
  const { hub } = setup();
  const s = sink();
  const r = hub.subscribe({ owner: 'u1', match: () => true, sink: s });
  if (!r.ok) throw new Error(r.message);
  const [stored, next] = ['committed, not yet published', 'later'].map(ev);
  r.subscription.deliver([stored!]);
  r.subscription.live(Number(stored!.id));
  hub.publish([stored!, next!]);
  vi.advanceTimersByTime(TAIL_FLUSH_MS);
  expect(s.ids()).toEqual([Number(stored!.id), Number(next!.id)]);
});

test('held subscriber that overflows reports the dropped range for the store to fill', () => {
  const { hub } = setup();
  const s = sink();
  const r = hub.subscribe({ owner: 'u1', match: () => true, sink: s });
  if (!r.ok) throw new Error(r.message);
  const events = Array.from({ length: TAIL_QUEUE_MAX + 3 }, (_, i) => ev(`l${i}`));
  hub.publish(events);
  expect(r.subscription.takeDropped()).toEqual({ count: 3, fromId: Number(events[0]!.id), toId: Number(events[2]!.id) });
  expect(r.subscription.takeDropped()).toBeUndefined();
  r.subscription.live(Number(events[2]!.id));
  vi.advanceTimersByTime(TAIL_FLUSH_MS);
  expect(s.skipped()).toBe(0);
  expect(s.ids()).toEqual(events.slice(3).map((e) => Number(e.id)));
});

test('a user may hold TAILS_PER_USER_MAX tails; closing one frees a slot', () => {
  const { hub } = setup();
  const subs = Array.from({ length: TAILS_PER_USER_MAX }, () => hub.subscribe({ owner: 'u1', match: () => true, sink: sink() }));
  expect(subs.every((r) => r.ok)).toBe(true);
  const refused = hub.subscribe({ owner: 'u1', match: () => true, sink: sink() });
  expect(refused).toMatchObject({ ok: false, message: expect.stringContaining(`at most ${TAILS_PER_USER_MAX}`) });
  expect(hub.subscribe({ owner: 'u2', match: () => true, sink: sink() }).ok).toBe(true);
  const first = subs[0]!;
  if (first.ok) first.subscription.close();
  expect(hub.subscribe({ owner: 'u1', match: () => true, sink: sink() }).ok).toBe(true);
  expect(hub.size).toBe(TAILS_PER_USER_MAX + 1);
});

test('a throwing matcher ends only its own tail, and publish still returns', () => {
  const logs: string[] = [];
  vi.useFakeTimers();
  const hub = new TailHub(new Metrics(), captureLogger(logs));
  const good = sink();
  const bad = hub.subscribe({ owner: 'u1', match: () => { throw new Error('boom'); }, sink: sink() });
  const ok = hub.subscribe({ owner: 'u1', match: () => true, sink: good });
  if (!ok.ok || !bad.ok) throw new Error('subscribe');
  ok.subscription.live(0);
  expect(() => hub.publish([ev('x')])).not.toThrow();
  vi.advanceTimersByTime(TAIL_FLUSH_MS);
  expect(good.ids()).toHaveLength(1);
  expect(bad.subscription.closed).toBe(true);
  expect(logs.join('\n')).toContain('boom');
});

test('events frames reuse each event JSON and parse back to the events', () => {
  const events = [ev('a "quoted"'), ev('b\nc')];
  const { hub } = setup();
  const s = sink();
  const r = hub.subscribe({ owner: 'u1', match: () => true, sink: s });
  if (!r.ok) throw new Error(r.message);
  r.subscription.live(0);
  hub.publish(events);
  vi.advanceTimersByTime(TAIL_FLUSH_MS);
  const frame = s.got.find((m) => m.type === 'events')!;
  expect(JSON.parse(encodeTailOut(frame).toString())).toEqual({ type: 'events', events });
});

test('publish after close is a bug', () => {
  const { hub } = setup();
  hub.close();
  expect(() => hub.publish([ev('late')])).toThrow(/BUG/);
});
