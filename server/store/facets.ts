// The viewer's facets sidebar (GET /api/v1/events/facets.json): the top values of a few attributes
// and logfmt/structured-data fields among a query's newest matches, with counts. A busy day holds
// millions of matches, so the counts are over a bounded sample of the newest ones.
import type { Facet, FacetValue } from '../../shared/api.ts';
import { facilityName, severityName } from '../../shared/event.ts';
import { fieldsOf } from '../../shared/logfmt.ts';
import type { EventRow } from './codec.ts';
import type { Filter, Searcher } from './search.ts';
import type { Systems } from './systems.ts';

/**
 * Matches counted at most: reading and parsing 20,000 rows takes ~100 ms (docs/BENCHMARKS.md),
 * well inside the 5 s search budget at any volume, and the newest 20,000 lines of a 10M-a-day
 * stream (the last ~3 minutes) describe what is happening now, which is what the sidebar is for.
 */
export const FACETS_SAMPLE_MAX = 20_000;
/** `fields.*` adds at most this many keys: a sidebar, not a table of every key. */
export const AUTO_FIELDS_MAX = 6;
/**
 * Distinct values remembered per key that `fields.*` may pick: a key with more among at most
 * 20,000 lines is an id, a timestamp or a duration, not something one narrows a search by, and
 * the bound keeps memory small when lines carry many such keys (request_id, trace ids …).
 */
const AUTO_DISTINCT_MAX = 2_000;

/** The facets one can name; `fields.<key>` for any logfmt or structured-data key. */
export const ATTRIBUTE_FACETS = ['sender', 'program', 'severity', 'facility', 'host'] as const;
export type AttributeFacet = (typeof ATTRIBUTE_FACETS)[number];

export interface FacetsRequest {
  filter: Filter;
  /** Exclusive id bounds (time bounds already folded in). */
  minId?: number;
  maxId?: number;
  /** In the order asked: attribute names and `fields.<key>`. */
  fields: readonly string[];
  /** How many of the most common keys to add for `fields.*` (0: not asked); they go at `autoAt`. */
  autoFields: number;
  autoAt: number;
  top: number;
  deadlineMs: number;
  now: () => number;
}

export interface FacetsResult {
  facets: Facet[];
  counted: number;
  sampled: boolean;
  timedOut: boolean;
}

/** Values of one facet and their counts; `distinct` stops growing past `cap` (then `overflowed`). */
class Tally {
  present = 0;
  readonly counts = new Map<string, number>();
  overflowed = false;

  constructor(private readonly cap = Infinity) {}

  add(value: string): void {
    this.present++;
    const n = this.counts.get(value);
    if (n !== undefined) this.counts.set(value, n + 1);
    else if (this.counts.size < this.cap) this.counts.set(value, 1);
    else this.overflowed = true;
  }

  facet(field: string, top: number): Facet {
    const values: FacetValue[] = [...this.counts].map(([value, count]) => ({ value, count }));
    values.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return { field, values: values.slice(0, top), present: this.present };
  }

  /**
   * Worth a place in the sidebar: not near-unique. A key with more distinct values than the
   * sidebar shows, and more than half as many as its occurrences (request ids, timestamps), would
   * list values seen once each.
   */
  usefulFor(top: number): boolean {
    return !this.overflowed && (this.counts.size <= top || this.counts.size <= this.present / 2);
  }
}

function attributeOf(field: AttributeFacet, row: EventRow, systems: Systems): string {
  switch (field) {
    case 'sender':
      return systems.nameOf(row.system_id);
    case 'program':
      return row.program;
    case 'severity':
      return severityName(row.pri & 7);
    case 'facility':
      return facilityName(row.pri >> 3);
    case 'host':
      return row.hostname ?? systems.nameOf(row.system_id);
  }
}

export function facets(searcher: Searcher, systems: Systems, req: FacetsRequest): FacetsResult {
  // One more than the sample: whether there were more matches than counted.
  const page = searcher.rows({ filter: req.filter, minId: req.minId, maxId: req.maxId, direction: 'newest', limit: FACETS_SAMPLE_MAX + 1, deadlineMs: req.deadlineMs, now: req.now });
  const rows = page.rows.length > FACETS_SAMPLE_MAX ? page.rows.slice(-FACETS_SAMPLE_MAX) : page.rows; // oldest first: keep the newest
  const attributes = req.fields.filter((f): f is AttributeFacet => (ATTRIBUTE_FACETS as readonly string[]).includes(f));
  const named = new Map(req.fields.filter((f) => f.startsWith('fields.')).map((f) => [f.slice('fields.'.length), new Tally()]));
  const byAttribute = new Map(attributes.map((a) => [a, new Tally()]));
  const others = new Map<string, Tally>(); // every other key, for fields.*
  const readFields = named.size > 0 || req.autoFields > 0;
  for (const row of rows) {
    for (const [a, tally] of byAttribute) tally.add(attributeOf(a, row, systems));
    if (!readFields) continue;
    const fields = fieldsOf(row.message, row.extra ? (JSON.parse(row.extra) as Record<string, string>) : null);
    for (const key in fields) {
      let tally = named.get(key) ?? others.get(key);
      if (!tally) {
        if (req.autoFields === 0) continue;
        tally = new Tally(AUTO_DISTINCT_MAX);
        others.set(key, tally);
      }
      tally.add(fields[key]!);
    }
  }
  const result = req.fields.map((f) => (byAttribute.get(f as AttributeFacet) ?? named.get(f.slice('fields.'.length))!).facet(f, req.top));
  const auto = [...others]
    .filter(([, t]) => t.usefulFor(req.top))
    .sort(([ka, a], [kb, b]) => b.present - a.present || (ka < kb ? -1 : 1))
    .slice(0, req.autoFields)
    .map(([key, t]) => t.facet(`fields.${key}`, req.top));
  result.splice(req.autoAt, 0, ...auto);
  return { facets: result, counted: rows.length, sampled: page.rows.length > FACETS_SAMPLE_MAX || page.timedOut, timedOut: page.timedOut };
}
