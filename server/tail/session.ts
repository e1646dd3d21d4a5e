// One live tail from connect to live (DESIGN 4): the stored part first, then the live stream,
// with no gap and no event twice. The order of steps is what makes that true:
//
//   1. subscribe (held): from now on every published match is queued. startId is the greatest id
//      published before: ids <= startId are committed (published only after their commit), and
//      ids > startId will be published, in id order, to this subscription. (The writer thread may
//      have committed more already; those are published later, so they arrive through the queue.)
//   2. store part: with min_id, page forward through (min_id, startId]; without, the newest
//      `backfill` matches <= startId. Sent as fast as the client reads (socket back-pressure).
//   3. if the held queue overflowed meanwhile, the dropped matches are contiguous and all in the
//      store: page forward through them too (at most TAIL_RESUME_ROUNDS_MAX rounds; after that the
//      drop is reported as {type:"skipped"} like any live drop).
//   4. live(cursor): queued matches <= cursor are discarded, {type:"live"} is sent, the rest flows.
import type { Event } from '../../shared/event.ts';
import type { SearchParams } from '../../shared/api.ts';
import type { SearchScope } from '../query/scope.ts';
import type { Store } from '../store/index.ts';
import type { Filter } from '../store/search.ts';
import { TAIL_BATCH_MAX, TAIL_FLUSH_MS, type Subscription, type TailHub, type TailSink } from './hub.ts';
import { tailMatcher } from './matcher.ts';

// Without min_id a client may ask for the newest N stored matches first (the `tail -f` view):
// as many as a screen shows many times over, no more (a bigger history is what search is for).
export const TAIL_BACKFILL_MAX = 1000;
// The stored part is read a page at a time and each page sent before the next is read, so a
// resume from long ago holds one page in memory, whatever the gap.
export const TAIL_RESUME_PAGE = 1000;
// Each page read has this time budget (a rare match over a long range), then other work runs.
export const TAIL_PAGE_BUDGET_MS = 250;
// A client slower than the live match rate would chase the head forever; after this many rounds
// through the store, what it fell behind by is reported as skipped instead.
export const TAIL_RESUME_ROUNDS_MAX = 4;

export interface TailDeps {
  store: Store;
  hub: TailHub;
  now: () => number;
}

export interface TailRequest {
  owner: string;
  params: Pick<SearchParams, 'q' | 'system_id' | 'group_id'>;
  scope: SearchScope;
  minId?: number;
  backfill: number;
  sink: TailSink;
}

export type OpenTail = { ok: true; subscription: Subscription; started: Promise<void> } | { ok: false; message: string };

export function openTail(deps: TailDeps, req: TailRequest): OpenTail {
  const subscribed = deps.hub.subscribe({ owner: req.owner, match: tailMatcher(deps.store, req.params, req.scope, deps.now), sink: req.sink });
  if (!subscribed.ok) return subscribed;
  const sub = subscribed.subscription;
  // Nothing is published between subscribe() and here (publishing runs on this thread). Before the
  // first publish since start, the newest stored id: anything committed but not yet published
  // with a smaller id is then either in the store part (min_id, backfill) or before the tail, and
  // its publish, which may come after live(), is dropped by the subscription (ids it has sent).
  const startId = sub.startId ?? newestId(deps.store, deps.now);
  const filter = deps.store.compile(req.scope.ast, req.scope.systemIds);
  const started = catchUp(deps, sub, filter, req, startId).catch((e: unknown) => {
    sub.close();
    throw e;
  });
  return { ok: true, subscription: sub, started };
}

async function catchUp(deps: TailDeps, sub: Subscription, filter: Filter, req: TailRequest, startId: number): Promise<void> {
  // Each page goes out in slices, each only once the socket has room (TailSink.ready).
  const send = async (events: readonly Event[]) => {
    for (let i = 0; i < events.length && !sub.closed; i += TAIL_BATCH_MAX) {
      while (!sub.closed && !sub.ready) await sleep(TAIL_FLUSH_MS);
      sub.deliver(events.slice(i, i + TAIL_BATCH_MAX));
    }
  };
  let cursor = startId;
  if (req.minId !== undefined) cursor = req.minId;
  else if (req.backfill > 0) {
    const page = deps.store.searcher.page({ filter, maxId: startId + 1, direction: 'newest', limit: req.backfill, deadlineMs: deps.now() + TAIL_PAGE_BUDGET_MS, now: deps.now });
    await send(page.events);
  }
  let upTo = startId;
  for (let round = 1; !sub.closed; round++) {
    // Page forward through (cursor, upTo].
    while (cursor < upTo && !sub.closed) {
      const page = deps.store.searcher.page({ filter, minId: cursor, maxId: upTo + 1, direction: 'oldest', limit: TAIL_RESUME_PAGE, deadlineMs: deps.now() + TAIL_PAGE_BUDGET_MS, now: deps.now });
      await send(page.events);
      cursor = page.exhausted ? upTo : Math.max(page.cursor, cursor);
      if (cursor < upTo) await new Promise((r) => setImmediate(r));
    }
    if (round >= TAIL_RESUME_ROUNDS_MAX) break;
    const dropped = sub.takeDropped();
    if (!dropped) break;
    upTo = dropped.toId;
  }
  sub.live(Math.max(cursor, upTo));
}

/** The greatest id stored, or 0: where a tail starts when nothing was published since start. */
function newestId(store: Store, now: () => number): number {
  const page = store.searcher.page({ filter: store.compile({ type: 'matchAll', start: 0, end: 0 }), direction: 'newest', limit: 1, deadlineMs: Infinity, now });
  return page.events.length ? Number(page.events[0]!.id) : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
