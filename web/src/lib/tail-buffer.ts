// The viewer's loaded events: one contiguous, id-ordered window of the matches of one search, grown
// at the top by scroll-back pages, at the bottom by the live tail or forward pages, and trimmed to a
// cap so that the tab's memory stays bounded. Pure data (no React, no fetch), so that the rules the
// issue asks for — no gap, no repeat, every match once, bounded memory — are unit-tested here.
import type { Event } from '../../../shared/event.ts';

/** At most this many events stay loaded (a JS heap of ~32 MB with 50,000 live events in bench/ui): beyond it the far end is let go. */
export const BUFFER_CAP = 50_000;

/** A range of matches the server dropped for a slow client (TailSkipped): ids strictly between. */
export interface Gap {
  minId: string;
  maxId: string;
}

export interface BufferState {
  /** Ascending ids, no duplicates, and no match missing between the first and the last. */
  readonly events: readonly Event[];
  /** More matches exist before events[0] (or the search has not reached its beginning). */
  readonly hasOlder: boolean;
  /**
   * More matches may exist after the last event that are not loaded: after a time seek, a
   * permalink, or once the bottom was let go while the reader was paused. The live tail then only
   * counts (`unseen`) until Resume reloads the newest page.
   */
  readonly hasNewer: boolean;
  /** Live events that arrived while paused, shown as "Paused — N new". */
  readonly unseen: number;
  /** Tail ranges the server skipped and the viewer is fetching; events behind the first wait in `held`. */
  readonly gaps: readonly Gap[];
  readonly held: readonly Event[];
  /** Bumped on every change that moves rows: components re-render on it. */
  readonly version: number;
  /** Which reset this state descends from (a new search, a seek, a permalink starts another). */
  readonly window: number;
  /** Rows added at the top less rows let go from the top since that reset (rowsMovedBy). */
  readonly shifted: number;
}

export function emptyBuffer(): BufferState {
  return { events: [], hasOlder: false, hasNewer: false, unseen: 0, gaps: [], held: [], version: 0, window: 0, shifted: 0 };
}

/** Compares decimal id strings (64-bit: longer is larger; equal lengths compare as text). */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

const lastId = (s: BufferState) => s.events.at(-1)?.id;

/**
 * How far the rows of `before` moved down in `after` (negative: up): rows added above them (an
 * older page) less rows let go from the top (the cap). 0 across a new window (a new search, a
 * seek, a permalink), which shares no place with the old one. The list adds it to the reader's
 * row so that the view stays still.
 */
export function rowsMovedBy(before: BufferState, after: BufferState): number {
  return before.window === after.window ? after.shifted - before.shifted : 0;
}

/** A fresh window (a new search, a seek, a permalink). */
export function resetBuffer(events: readonly Event[], opts: { hasOlder: boolean; hasNewer: boolean }, prev?: BufferState): BufferState {
  return { events: dedupe(events), hasOlder: opts.hasOlder, hasNewer: opts.hasNewer, unseen: 0, gaps: [], held: [], version: (prev?.version ?? 0) + 1, window: (prev?.window ?? 0) + 1, shifted: 0 };
}

/** An older page (search.json with max_id = the first loaded id): added at the top. */
export function prependOlder(s: BufferState, page: readonly Event[], reachedBeginning: boolean, cap = BUFFER_CAP): BufferState {
  const first = s.events[0]?.id;
  const older = first === undefined ? dedupe(page) : dedupe(page).filter((e) => compareIds(e.id, first) < 0);
  let events = [...older, ...s.events];
  let hasNewer = s.hasNewer;
  // The reader is at the top: let the bottom go.
  if (events.length > cap) {
    events = events.slice(0, cap);
    hasNewer = true;
  }
  return { ...s, events, hasOlder: !reachedBeginning, hasNewer, version: s.version + 1, shifted: s.shifted + older.length };
}

/** A newer page (search.json with min_id = the last loaded id): added at the bottom. */
export function appendNewer(s: BufferState, page: readonly Event[], reachedEnd: boolean, cap = BUFFER_CAP): BufferState {
  const last = lastId(s);
  const newer = last === undefined ? dedupe(page) : dedupe(page).filter((e) => compareIds(e.id, last) > 0);
  const { events, removed } = capFromTop([...s.events, ...newer], cap);
  return { ...s, events, hasOlder: s.hasOlder || removed > 0, hasNewer: !reachedEnd, version: s.version + 1, shifted: s.shifted - removed };
}

/**
 * Events from the live tail (TailEvents, ascending). While following, they are added at the bottom
 * (the top is let go past the cap). While paused they are added too, and counted as unseen — until
 * the cap would push out rows the reader may be looking at: then the bottom is let go instead and
 * the tail only counts; Resume reloads the newest page. Behind an unfilled gap they are held.
 */
export function appendLive(s: BufferState, incoming: readonly Event[], opts: { following: boolean; cap?: number }): BufferState {
  if (incoming.length === 0) return s;
  const unseen = opts.following ? 0 : s.unseen + incoming.length;
  if (s.hasNewer) return { ...s, unseen: s.unseen + incoming.length };
  if (s.gaps.length > 0) return { ...s, held: [...s.held, ...incoming], unseen };
  return { ...addAtBottom(s, incoming, opts.following, opts.cap ?? BUFFER_CAP), unseen };
}

/** The server skipped a range (TailSkipped): later live events wait until fillGap brings it. */
export function noteGap(s: BufferState, gap: Gap): BufferState {
  return { ...s, gaps: [...s.gaps, gap] };
}

/**
 * The skipped range, fetched (every match with minId < id < maxId, any order): added, then the
 * held live events behind it are released in order. Those behind a later gap stay held.
 */
export function fillGap(s: BufferState, gap: Gap, fetched: readonly Event[], opts: { following: boolean; cap?: number }): BufferState {
  const rest = s.gaps.filter((g) => g.minId !== gap.minId || g.maxId !== gap.maxId);
  const inRange = fetched.filter((e) => compareIds(e.id, gap.minId) > 0 && compareIds(e.id, gap.maxId) < 0);
  const nextGap = rest[0];
  const release = nextGap ? s.held.filter((e) => compareIds(e.id, nextGap.minId) <= 0) : s.held;
  const keep = nextGap ? s.held.filter((e) => compareIds(e.id, nextGap.minId) > 0) : [];
  // Held events were counted as unseen when they arrived; the gap's events were not.
  const unseen = opts.following ? 0 : s.unseen + inRange.length;
  if (s.hasNewer) return { ...s, gaps: rest, held: keep, unseen };
  const merged = addAtBottom(s, [...inRange, ...release], opts.following, opts.cap ?? BUFFER_CAP);
  return { ...merged, gaps: rest, held: keep, unseen };
}

/** New events after the last loaded one; past the cap, the top goes while following, else the bottom. */
function addAtBottom(s: BufferState, incoming: readonly Event[], following: boolean, cap: number): BufferState {
  const last = lastId(s);
  const fresh = last === undefined ? dedupe(incoming) : dedupe(incoming).filter((e) => compareIds(e.id, last) > 0);
  if (fresh.length === 0) return s;
  if (!following && s.events.length + fresh.length > cap) {
    const room = Math.max(0, cap - s.events.length);
    return { ...s, events: [...s.events, ...fresh.slice(0, room)], hasNewer: true, version: s.version + 1 };
  }
  const { events, removed } = capFromTop([...s.events, ...fresh], cap);
  return { ...s, events, hasOlder: s.hasOlder || removed > 0, version: s.version + 1, shifted: s.shifted - removed };
}

/** Resume while the window is whole up to the newest match: nothing to fetch, just follow again. */
export function markSeen(s: BufferState): BufferState {
  return s.unseen === 0 ? s : { ...s, unseen: 0 };
}

function capFromTop(events: Event[], cap: number): { events: Event[]; removed: number } {
  if (events.length <= cap) return { events, removed: 0 };
  const removed = events.length - cap;
  return { events: events.slice(removed), removed };
}

/** Ascending by id with duplicates dropped (pages and tail batches may overlap at their edges). */
function dedupe(events: readonly Event[]): Event[] {
  const out: Event[] = [];
  for (const e of events) {
    const prev = out.at(-1);
    if (prev && compareIds(e.id, prev.id) <= 0) {
      if (compareIds(e.id, prev.id) === 0) continue;
      return [...new Map([...out, e, ...events].map((x) => [x.id, x])).values()].sort((a, b) => compareIds(a.id, b.id));
    }
    out.push(e);
  }
  return out;
}
