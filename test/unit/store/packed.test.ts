// What crosses from the main thread to the writer thread (store/packed.ts): each submission's events by
// column. Every event must arrive as it was sent, whatever its texts hold.
import { expect, test } from 'vitest';
import { pack, unpack } from '../../../server/store/packed.ts';
import { committedResults } from '../../../server/store/writer.ts';
import type { NewEvent, Submission } from '../../../server/store/types.ts';

const event = (over: Partial<NewEvent>): NewEvent => ({
  receivedMs: 1_796_567_000_123, sourceIp: '10.0.0.1', systemName: 'web-1', hostname: 'web-1', program: 'app', severity: 6, facility: 1,
  generatedAt: 1_796_567_000_100, message: 'GET /orders 200', fields: {}, flags: [], ...over,
});

test('a flush of several submissions arrives event for event, with its frame ids and counts', () => {
  const submissions: Submission[] = [
    { frameId: 'frame-1', events: [event({}), event({ message: '', hostname: '', program: '-', generatedAt: null })] },
    { events: [] },
    {
      events: [
        event({ message: 'naïve café ☕ 𝄞 \u0000 end', systemName: 'système', sourceIp: '::1' }),
        event({ message: 'at=error code=H12 status=503', flags: ['severity_inferred'], severity: 3 }),
        event({ message: '\ud800 lone surrogate', ownFields: { 'sd.origin@1.ip': '10.1.2.3', requestId: 'abc' }, flags: ['unparsed', 'truncated'] }),
        event({ message: 'x'.repeat(70_000), receivedMs: 2 ** 52 - 1, facility: 23, severity: 0 }),
      ],
    },
  ];
  // Through structured clone, as postMessage sends it.
  const received = structuredClone(submissions.map((s) => pack(s.events, s.frameId))).map((p) => ({ frameId: p.frameId, events: unpack(p) }));
  expect(received.map((s) => [s.frameId, s.events.length])).toEqual([['frame-1', 2], [undefined, 0], [undefined, 4]]);
  const sent = submissions.flatMap((s) => s.events);
  const got = received.flatMap((s) => s.events);
  expect(got.map((e) => ({ ...e, fields: {}, ownFields: undefined }))).toEqual(sent.map((e) => ({ ...e, fields: {}, ownFields: undefined })));
  // Own fields travel; the logfmt ones the store derives from the message again do not.
  expect(got[4]!.ownFields).toEqual({ 'sd.origin@1.ip': '10.1.2.3', requestId: 'abc' });
  expect(got[0]!.ownFields).toEqual({});
  expect(got[1]!.generatedAt).toBeNull();
});

test('the live tail gets the committed events back from the flush, fields included', () => {
  const submissions: Submission[] = [
    { frameId: 'frame-1', events: [event({ message: 'at=info method=GET path=/a status=200' }), event({ message: 'plain' })] },
    { events: [event({ message: 'status=503 code=H12', ownFields: { 'sd.origin@1.ip': '10.1.2.3' } })] },
    { frameId: 'frame-3', events: [event({ message: 'näive ☕ service=12ms' })] },
  ];
  const flush = submissions.map((s) => pack(s.events, s.frameId));
  // What the writer answers: ids per submission, the second one a retried frame already stored.
  const results = committedResults(
    flush,
    [
      { ids: [11, 12], systemIds: [1, 1], duplicate: false },
      { ids: [], systemIds: [], duplicate: true },
      { ids: [14], systemIds: [2], duplicate: false },
    ],
    (id) => `system-${id}`,
  );
  expect(results.map((r) => [r.count, r.duplicate, r.lastId])).toEqual([[2, false, 12], [0, true, undefined], [1, false, 14]]);
  expect(results[0]!.stored.map((e) => [e.id, e.source_name, e.message, e.fields])).toEqual([
    ['11', 'system-1', 'at=info method=GET path=/a status=200', { at: 'info', method: 'GET', path: '/a', status: '200' }],
    ['12', 'system-1', 'plain', {}],
  ]);
  expect(results[2]!.stored.map((e) => [e.id, e.source_name, e.message, e.fields])).toEqual([['14', 'system-2', 'näive ☕ service=12ms', { service: '12ms' }]]);
});
