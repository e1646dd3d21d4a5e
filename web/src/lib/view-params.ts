// The viewer's state that belongs in the address (DESIGN 7): the query, the time range, the
// system or group, and a permalinked event — so every view is a shareable link and survives a reload.

export interface ViewParams {
  q: string;
  systemId?: string;
  groupId?: string;
  /** Unix seconds. */
  minTime?: number;
  maxTime?: number;
  centeredOnId?: string;
}

const int = (v: string | null) => (v !== null && /^\d+$/.test(v) ? Number(v) : undefined);
const str = (v: string | null) => (v ? v : undefined);

export function readViewParams(search: string): ViewParams {
  const p = new URLSearchParams(search);
  return {
    q: p.get('q') ?? '',
    systemId: str(p.get('system_id')),
    groupId: str(p.get('group_id')),
    minTime: int(p.get('min_time')),
    maxTime: int(p.get('max_time')),
    centeredOnId: p.get('centered_on_id') && /^\d+$/.test(p.get('centered_on_id')!) ? p.get('centered_on_id')! : undefined,
  };
}

export function viewHref(v: ViewParams): string {
  const p = new URLSearchParams();
  if (v.q) p.set('q', v.q);
  if (v.systemId) p.set('system_id', v.systemId);
  if (v.groupId) p.set('group_id', v.groupId);
  if (v.minTime !== undefined) p.set('min_time', String(v.minTime));
  if (v.maxTime !== undefined) p.set('max_time', String(v.maxTime));
  if (v.centeredOnId) p.set('centered_on_id', v.centeredOnId);
  const s = p.toString();
  return s ? `/events?${s}` : '/events';
}

// Every drawn row has two pivot links; building each with URLSearchParams was ~8 % of a scroll's
// script. Their query part depends only on the sender or program: encoded once, kept for a while.
const PIVOT_QUERIES_MAX = 1000;
const pivotQueries = new Map<string, string>();

/**
 * Papertrail's pivot: the events around event `id` from the same sender or program, as viewHref
 * would write it.
 */
export function pivotViewHref(attribute: 'sender' | 'program', value: string, id: string): string {
  const term = attrTerm(attribute, value);
  let query = pivotQueries.get(term);
  if (query === undefined) {
    if (pivotQueries.size >= PIVOT_QUERIES_MAX) pivotQueries.clear();
    query = viewHref({ q: term });
    pivotQueries.set(term, query);
  }
  return `${query}&centered_on_id=${encodeURIComponent(id)}`;
}

/** Live: no end to the range and no event to centre on; the tail runs. */
export function isLive(v: ViewParams): boolean {
  return v.maxTime === undefined && v.centeredOnId === undefined;
}

/** The search API's scope parameters for this view. */
export function scopeParams(v: ViewParams): Record<string, string | undefined> {
  return { q: v.q || undefined, system_id: v.systemId, group_id: v.groupId };
}

/** A query term for an attribute value, quoted when it must be (DESIGN 5: single quotes allow `"`). */
export function attrTerm(name: string, value: string): string {
  return `${name}:${quoteValue(value)}`;
}

export function quoteValue(value: string): string {
  if (/^[^\s"'()\\:]+$/.test(value) && !/^(AND|OR|NOT)$/.test(value)) return value;
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

/** `q` with `term` added (implicit AND), unless it is already there. */
export function addTerm(q: string, term: string): string {
  const trimmed = q.trim();
  if (trimmed === '') return term;
  if (trimmed.split(/\s+/).includes(term)) return trimmed;
  return `${trimmed} ${term}`;
}
