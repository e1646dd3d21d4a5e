// GET /api/v1/events/search.json, histogram.json and /:id/context.json (DESIGN 4), with
// Papertrail's parameters and response shapes; facets.json for the viewer's sidebar.
import type { FastifyInstance } from 'fastify';
import type { ContextResponse, DerivedFields, EventsLayout, FacetsParams, FacetsResponse, HistogramResponse, SearchPageParams, SearchParams, SearchResponse } from '../../../shared/api.ts';
import { eventRow } from '../../../shared/event-row.ts';
import { appError } from '../../errors.ts';
import { parseScope } from '../../query/scope.ts';
import type { Store } from '../../store/index.ts';
import { ATTRIBUTE_FACETS, AUTO_FIELDS_MAX } from '../../store/facets.ts';
import { timeOfId } from '../../store/ids.ts';
import { timeBoundsToIds } from '../../store/search.ts';
import { isoTime } from '../../store/times.ts';

const LIMIT_DEFAULT = 1000;
const LIMIT_MAX = 10_000;
const SEARCH_BUDGET_MS = 5000; // DESIGN 4: partial results with cursors rather than a timeout
const BUCKETS_DEFAULT = 60;
const BUCKETS_MAX = 1440;
const HISTOGRAM_RANGE_DEFAULT_S = 86_400;
const CONTEXT_DEFAULT = 20;
const CONTEXT_MAX = 500;
const FACETS_DEFAULT = 'sender,program,severity,fields.*';
const FACETS_TOP_DEFAULT = 10;
const FACETS_TOP_MAX = 100;
const FACETS_FIELDS_MAX = 20; // facets named in one request: a sidebar, and each costs a tally
// DESIGN 2: a field key is a letter followed by letters, digits or `_ . - # / @`.
const FIELD_FACET = /^fields\.[A-Za-z][A-Za-z0-9_.\-#/@]*$/;

export function intParam(name: string, raw: string | undefined, min = 0): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) throw appError('BAD_REQUEST', `${name}: "${raw}" is not a whole number`);
  return Number(raw);
}

/**
 * min_id/max_id and min_time/max_time (Unix seconds on received_at) as one exclusive id range;
 * `minIdParam`/`maxIdParam` as given, for search's paging direction.
 */
function idRange(p: SearchParams): { minId?: number; maxId?: number; minIdParam?: number; maxIdParam?: number } {
  const time = timeBoundsToIds(intParam('min_time', p.min_time), intParam('max_time', p.max_time));
  const minIdParam = intParam('min_id', p.min_id);
  const maxIdParam = intParam('max_id', p.max_id);
  const minId = Math.max(minIdParam ?? -1, time.minId ?? -1);
  const maxId = Math.min(maxIdParam ?? Number.MAX_SAFE_INTEGER, time.maxId ?? Number.MAX_SAFE_INTEGER);
  return { minId: minId < 0 ? undefined : minId, maxId: maxId === Number.MAX_SAFE_INTEGER ? undefined : maxId, minIdParam, maxIdParam };
}

/** search.json's `derived_fields`: `omit` leaves out the fields the message gives (ours, opt-in). */
function derivedFieldsParam(raw: string | undefined): DerivedFields {
  if (raw === undefined || raw === '' || raw === 'include') return 'include';
  if (raw === 'omit') return 'omit';
  throw appError('BAD_REQUEST', `derived_fields: "${raw}" is not include or omit`);
}

/** search.json's `tail` as given: true, false, or not said (anything else), which the paging rules tell apart. */
function tailParam(raw: string | undefined): boolean | undefined {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  return undefined;
}

/** When an event id was received (ISO 8601): ids are received_ms × 1024 + a sequence. */
const receivedAtOfId = (id: string) => isoTime(timeOfId(Math.max(0, Number(id))));

/** search.json's `layout`: `rows` sends each event as an array on a line of its own (ours, opt-in). */
function layoutParam(raw: string | undefined): EventsLayout {
  if (raw === undefined || raw === '' || raw === 'objects') return 'objects';
  if (raw === 'rows') return 'rows';
  throw appError('BAD_REQUEST', `layout: "${raw}" is not objects or rows`);
}

/** The response in the `rows` layout: one event a line (a JSON string holds no raw line break). */
function rowsJson(response: SearchResponse): string {
  const { events, ...envelope } = response;
  const head = JSON.stringify(envelope).slice(0, -1);
  return `${head},"events":[\n${events.map((e) => JSON.stringify(eventRow(e))).join(',\n')}\n]}`;
}

/** facets.json's `fields`: names in order, duplicates dropped, and where `fields.*` goes. */
function parseFacetFields(raw: string | undefined): { fields: string[]; autoAt?: number } {
  const names = [...new Set((raw ?? FACETS_DEFAULT).split(',').map((f) => f.trim()).filter((f) => f !== ''))];
  if (names.length === 0) throw appError('BAD_REQUEST', 'fields: name at least one facet');
  if (names.length > FACETS_FIELDS_MAX) throw appError('BAD_REQUEST', `fields: at most ${FACETS_FIELDS_MAX} facets`);
  for (const f of names) {
    if (f !== 'fields.*' && !(ATTRIBUTE_FACETS as readonly string[]).includes(f) && !FIELD_FACET.test(f)) {
      throw appError('BAD_REQUEST', `fields: "${f}" is not a facet (use ${ATTRIBUTE_FACETS.join(', ')}, fields.<key> or fields.*)`);
    }
  }
  const autoAt = names.indexOf('fields.*');
  return autoAt < 0 ? { fields: names } : { fields: names.filter((f) => f !== 'fields.*'), autoAt };
}

export async function eventRoutes(app: FastifyInstance, opts: { store: Store; now: () => number }): Promise<void> {
  const { store, now } = opts;

  app.get<{ Querystring: SearchPageParams }>('/api/v1/events/search.json', async (request, reply): Promise<SearchResponse | string> => {
    const p = request.query;
    const limit = intParam('limit', p.limit, 1) ?? LIMIT_DEFAULT;
    if (limit > LIMIT_MAX) throw appError('BAD_REQUEST', `limit: at most ${LIMIT_MAX}`);
    const { minId, maxId, minIdParam, maxIdParam } = idRange(p);
    const tail = tailParam(p.tail);
    // Paging forward, oldest first: only min_id given, unless tail asks for the newest (DESIGN 4);
    // or min_time with tail=false and no upper bound, as Papertrail's clients ask for a time range
    // in full (papertrail-cli --min-time, which then goes on with min_id=max_id&tail=false).
    const fromTimeInFull = tail === false && p.min_time !== undefined && p.max_time === undefined;
    const forward = (minIdParam !== undefined || fromTimeInFull) && maxIdParam === undefined && tail !== true;
    const scope = parseScope(store, p);
    const derivedFields = derivedFieldsParam(p.derived_fields);
    const layout = layoutParam(p.layout);
    const page = store.searcher.page({
      filter: store.compile(scope.ast, scope.systemIds),
      minId,
      maxId,
      direction: forward ? 'oldest' : 'newest',
      limit,
      deadlineMs: now() + SEARCH_BUDGET_MS,
      now,
      derivedFields,
    });
    const ids = page.events.map((e) => e.id);
    // With no events the cursors still say where the search stopped, so paging continues. A
    // follower hands max_id back as min_id: it is the newest id the search covered, never one not
    // yet given (the end of the day, or no bound at all), or what arrives next would be skipped.
    const minIdOut = ids[0] ?? String(forward ? (minId ?? 0) : page.cursor);
    const maxIdOut = ids.at(-1) ?? String(forward ? page.cursor : (maxId ?? page.top));
    const response: SearchResponse = {
      events: page.events,
      min_id: minIdOut,
      max_id: maxIdOut,
      // Papertrail's: when the ids were received (papertrail-cli --max-time stops on max_time_at).
      min_time_at: receivedAtOfId(minIdOut),
      max_time_at: receivedAtOfId(maxIdOut),
    };
    if (page.timedOut) response.reached_time_limit = true;
    else if (!page.exhausted) response.reached_record_limit = true;
    else if (forward) response.reached_end = true;
    else response.reached_beginning = true;
    if (layout === 'objects') return response;
    reply.type('application/json; charset=utf-8');
    return rowsJson(response);
  });

  app.get<{ Querystring: SearchParams & { buckets?: string } }>('/api/v1/events/histogram.json', async (request): Promise<HistogramResponse> => {
    const p = request.query;
    const maxS = intParam('max_time', p.max_time) ?? Math.ceil(now() / 1000);
    const minS = intParam('min_time', p.min_time) ?? maxS - HISTOGRAM_RANGE_DEFAULT_S;
    if (minS >= maxS) throw appError('BAD_REQUEST', 'min_time must be before max_time');
    const buckets = intParam('buckets', p.buckets, 1) ?? BUCKETS_DEFAULT;
    if (buckets > BUCKETS_MAX) throw appError('BAD_REQUEST', `buckets: at most ${BUCKETS_MAX}`);
    const scope = parseScope(store, p);
    const result = store.histogram({
      filter: store.compile(scope.ast, scope.systemIds),
      systemIds: scope.systemIds,
      timeOnly: scope.ast.type === 'matchAll',
      minMs: minS * 1000,
      maxMs: maxS * 1000,
      maxId: intParam('max_id', p.max_id),
      buckets,
      deadlineMs: now() + SEARCH_BUDGET_MS,
      now,
    });
    return { buckets: result.buckets, ...(result.timedOut ? { reached_time_limit: true } : {}) };
  });

  app.get<{ Querystring: FacetsParams }>('/api/v1/events/facets.json', async (request): Promise<FacetsResponse> => {
    const p = request.query;
    const top = intParam('top', p.top, 1) ?? FACETS_TOP_DEFAULT;
    if (top > FACETS_TOP_MAX) throw appError('BAD_REQUEST', `top: at most ${FACETS_TOP_MAX}`);
    const { fields, autoAt } = parseFacetFields(p.fields);
    const { minId, maxId } = idRange(p);
    const scope = parseScope(store, p);
    const result = store.facets({
      filter: store.compile(scope.ast, scope.systemIds),
      minId,
      maxId,
      fields,
      autoFields: autoAt === undefined ? 0 : AUTO_FIELDS_MAX,
      autoAt: autoAt ?? 0,
      top,
      deadlineMs: now() + SEARCH_BUDGET_MS,
      now,
    });
    return { facets: result.facets, counted: result.counted, sampled: result.sampled, ...(result.timedOut ? { reached_time_limit: true } : {}) };
  });

  app.get<{ Params: { id: string }; Querystring: { before?: string; after?: string } }>('/api/v1/events/:id/context.json', async (request): Promise<ContextResponse> => {
    const id = intParam('id', request.params.id);
    const before = Math.min(intParam('before', request.query.before) ?? CONTEXT_DEFAULT, CONTEXT_MAX);
    const after = Math.min(intParam('after', request.query.after) ?? CONTEXT_DEFAULT, CONTEXT_MAX);
    const ctx = id === undefined ? undefined : store.searcher.context(id, before, after, now);
    if (!ctx) throw appError('NOT_FOUND', `no event ${request.params.id}`);
    return {
      target_id: ctx.target.id,
      events: [...ctx.before.events, ctx.target, ...ctx.after.events],
      reached_beginning: ctx.before.exhausted,
      reached_end: ctx.after.exhausted,
    };
  });
}
