// The event viewer's data: the first page of a search, the live tail behind it, scroll back and
// forward pages, skipped ranges fetched again — all applied to one tail buffer (lib/tail-buffer.ts,
// where the rules live). Components read `buffer` and call the actions; nothing here draws.
import { useCallback, useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { DerivedFields, EventsLayout } from '../../../shared/api.ts';
import type { Event } from '../../../shared/event.ts';
import { get, withQuery } from '../api/client.ts';
import { readRowsPage } from '../api/rows-page.ts';
import { openTail } from '../api/tail.ts';
import { appendLive, appendNewer, emptyBuffer, fillGap, markSeen, noteGap, prependOlder, resetBuffer, type BufferState, type Gap } from '../lib/tail-buffer.ts';
import { isLive, scopeParams, type ViewParams } from '../lib/view-params.ts';

/** The first page: what a screen shows many times over, and what "first render ≤ 100 ms" measures. */
export const FIRST_PAGE = 1000;
/** Scroll back / forward pages. */
export const PAGE = 500;
/** Around a permalinked event, each side. */
const CENTER_SIDE = 100;
/** Tail batches are applied at most this often: a fast tail must not re-render per message. */
const FLUSH_MS = 100;
/** A skipped range is fetched in pages of the API's maximum. */
const GAP_PAGE = 10_000;

/**
 * A search.json page without the fields the message gives (a fifth of a Heroku page's bytes, and
 * its parse): the details panel derives them for the one event it shows. Its events come as rows,
 * one to a line, and are parsed as they are read (api/rows-page.ts): a first page shows ~30 of its 1,000.
 */
const searchPage = (params: Record<string, string | number | undefined>, signal?: AbortSignal) =>
  get(withQuery('/api/v1/events/search.json', { ...params, derived_fields: 'omit' satisfies DerivedFields, layout: 'rows' satisfies EventsLayout }), signal, readRowsPage);

export type TailStatus = 'connecting' | 'live' | 'reconnecting' | 'closed' | 'off';

export interface Viewer {
  buffer: BufferState;
  /** Live mode: the tail runs (no max_time, no centred event). */
  live: boolean;
  /** Live and following the bottom (not paused). */
  following: boolean;
  loading: 'first' | 'older' | 'newer' | undefined;
  /** This view's first page is on screen (or failed): what else the page shows may load now. */
  shown: boolean;
  /** The search failed (a syntax error, a network error): the server's message. */
  error: string | undefined;
  /** Set when a page came back cut short by the server's time budget. */
  partial: boolean;
  tailStatus: TailStatus;
  pause(): void;
  /** Follow again from the newest line: nothing to fetch unless the bottom was let go. */
  resume(): void;
  /** The next page at the top or the bottom of the loaded rows (the list keeps the view still). */
  loadOlder(): Promise<void>;
  loadNewer(): Promise<void>;
  /** Called with every batch of live events (the velocity graph counts them). */
  onLive(listener: (events: readonly Event[]) => void): () => void;
}

export function useViewer(view: ViewParams): Viewer {
  const [buffer, setBuffer] = useState<BufferState>(emptyBuffer);
  const [following, setFollowing] = useState(true);
  const [loading, setLoading] = useState<Viewer['loading']>('first');
  const [error, setError] = useState<string>();
  const [partial, setPartial] = useState(false);
  const [tailStatus, setTailStatus] = useState<TailStatus>('off');
  const [generation, setGeneration] = useState(0);
  const [shownKey, setShownKey] = useState<string>();
  const bufferRef = useRef(buffer);
  bufferRef.current = buffer;
  const followingRef = useRef(following);
  followingRef.current = following;
  const liveListeners = useRef(new Set<(events: readonly Event[]) => void>());
  const busy = useRef(false);
  const live = isLive(view);
  const key = JSON.stringify(view);

  const apply = useCallback((next: (s: BufferState) => BufferState) => {
    bufferRef.current = next(bufferRef.current);
    setBuffer(bufferRef.current);
  }, []);

  // A new search (or Resume after the bottom was let go): first page, then the tail from its end.
  useEffect(() => {
    const abort = new AbortController();
    let tail: { close(): void } | undefined;
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let pending: Event[] = [];
    const scope = scopeParams(view);
    setLoading('first');
    setError(undefined);
    setPartial(false);
    setFollowing(live);
    setTailStatus(live ? 'connecting' : 'off');
    const startedS = Math.floor(Date.now() / 1000);

    const flush = () => {
      flushTimer = undefined;
      const batch = pending;
      pending = [];
      apply((s) => appendLive(s, batch, { following: followingRef.current }));
      liveListeners.current.forEach((l) => l(batch));
    };

    const fetchGap = async (gap: Gap) => {
      const got: Event[] = [];
      let maxId = gap.maxId;
      for (;;) {
        const page = await searchPage({ ...scope, min_id: gap.minId, max_id: maxId, limit: GAP_PAGE }, abort.signal);
        got.push(...page.events);
        if (page.events.length === 0 || page.reached_beginning || page.min_id === maxId) break;
        maxId = page.min_id;
      }
      apply((s) => fillGap(s, gap, got, { following: followingRef.current }));
    };

    void (async () => {
      try {
        let first: BufferState;
        if (view.centeredOnId) {
          const id = BigInt(view.centeredOnId);
          const [before, after] = await Promise.all([
            searchPage({ ...scope, max_id: String(id + 1n), limit: CENTER_SIDE }, abort.signal),
            searchPage({ ...scope, min_id: view.centeredOnId, limit: CENTER_SIDE }, abort.signal),
          ]);
          first = resetBuffer([...before.events, ...after.events], { hasOlder: !before.reached_beginning, hasNewer: !after.reached_end }, bufferRef.current);
          setPartial(Boolean(before.reached_time_limit || after.reached_time_limit));
        } else {
          const page = await searchPage({ ...scope, min_time: view.minTime, max_time: view.maxTime, limit: FIRST_PAGE }, abort.signal);
          first = resetBuffer(page.events, { hasOlder: !page.reached_beginning, hasNewer: !live }, bufferRef.current);
          setPartial(Boolean(page.reached_time_limit));
        }
        // The first page is drawn in this task, not in time slices between the graph's and the
        // facets' responses: it is what the reader waits for. They start in a task of their own
        // after it (`shown`), not in this one's synchronous effects.
        flushSync(() => {
          apply(() => first);
          setLoading(undefined);
        });
        // For DevTools' Performance panel and bench/ui-uninstrumented.ts: the first page is in the page.
        performance.mark('driftwood:first-page');
        setTimeout(() => !abort.signal.aborted && setShownKey(key));
        if (!live) return;
        // The tail opens in a task of its own too, so that the page's task ends (and the frame can
        // be drawn) as soon as the rows are in; it starts from the last event shown, so the wait
        // loses nothing.
        await new Promise((resolve) => setTimeout(resolve));
        if (abort.signal.aborted) return;
        const lastId = first.events.at(-1)?.id;
        tail = openTail(
          // From the last event shown; with none, from when the search started (no gap either way).
          { ...scope, ...(lastId ? { min_id: lastId } : { min_time: String(Math.max(view.minTime ?? 0, startedS - 1)) }) },
          {
            events(events) {
              pending.push(...events);
              flushTimer ??= setTimeout(flush, FLUSH_MS);
            },
            skipped(minId, maxId) {
              if (flushTimer) {
                clearTimeout(flushTimer);
                flush();
              }
              const gap = { minId, maxId };
              apply((s) => noteGap(s, gap));
              fetchGap(gap).catch((e: Error) => !abort.signal.aborted && setError(`could not fetch skipped lines: ${e.message}`));
            },
            live() {},
            error(message) {
              setError(message);
            },
            status: setTailStatus,
          },
        );
      } catch (e) {
        if (abort.signal.aborted) return;
        setError((e as Error).message);
        setLoading(undefined);
        setShownKey(key);
      }
    })();
    return () => {
      abort.abort();
      tail?.close();
      clearTimeout(flushTimer);
      setTailStatus('off');
    };
    // `key` stands for `view`; `generation` restarts the same view (Resume after letting go).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, generation]);

  const page = useCallback(
    async (direction: 'older' | 'newer'): Promise<void> => {
      const s = bufferRef.current;
      if (busy.current || (direction === 'older' ? !s.hasOlder : !s.hasNewer || live)) return;
      busy.current = true;
      setLoading(direction);
      try {
        const scope = scopeParams(view);
        if (direction === 'older') {
          const first = s.events[0]?.id;
          const res = await searchPage({ ...scope, min_time: view.minTime, max_id: first, max_time: first ? undefined : view.maxTime, limit: PAGE });
          apply((now) => prependOlder(now, res.events, Boolean(res.reached_beginning) || (res.events.length === 0 && !res.reached_time_limit)));
          return;
        }
        const last = s.events.at(-1)?.id;
        const res = await searchPage({ ...scope, min_id: last, max_time: view.maxTime, limit: PAGE });
        apply((now) => appendNewer(now, res.events, Boolean(res.reached_end) || (res.events.length === 0 && !res.reached_time_limit)));
      } catch (e) {
        setError((e as Error).message);
      } finally {
        busy.current = false;
        setLoading(undefined);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key, live, apply],
  );

  return {
    buffer,
    live,
    following: live && following,
    loading,
    shown: shownKey === key,
    error,
    partial,
    tailStatus,
    pause: () => setFollowing(false),
    resume: () => {
      if (bufferRef.current.hasNewer) setGeneration((g) => g + 1);
      else apply(markSeen);
      setFollowing(true);
    },
    loadOlder: () => page('older'),
    loadNewer: () => page('newer'),
    onLive: (listener) => {
      liveListeners.current.add(listener);
      return () => liveListeners.current.delete(listener);
    },
  };
}
