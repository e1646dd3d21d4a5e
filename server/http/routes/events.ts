// GET /api/v1/events/search.json (DESIGN 4): Papertrail's parameters and response.
import type { FastifyInstance } from 'fastify';
import type { SearchParams, SearchResponse } from '../../../shared/api.ts';
import { appError } from '../../errors.ts';
import { parse } from '../../../shared/query/parse.ts';
import type { Store } from '../../store/index.ts';
import { timeBoundsToIds } from '../../store/search.ts';

const LIMIT_DEFAULT = 1000;
const LIMIT_MAX = 10_000;
const SEARCH_BUDGET_MS = 5000; // DESIGN 4: partial results with cursors rather than a timeout

function intParam(name: string, raw: string | undefined, min = 0): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) throw appError('BAD_REQUEST', `${name}: "${raw}" is not a whole number`);
  return Number(raw);
}

export async function eventRoutes(app: FastifyInstance, opts: { store: Store; now: () => number }): Promise<void> {
  app.get<{ Querystring: SearchParams }>('/api/v1/events/search.json', async (request): Promise<SearchResponse> => {
    const p = request.query;
    const limit = intParam('limit', p.limit, 1) ?? LIMIT_DEFAULT;
    if (limit > LIMIT_MAX) throw appError('BAD_REQUEST', `limit: at most ${LIMIT_MAX}`);
    const time = timeBoundsToIds(intParam('min_time', p.min_time), intParam('max_time', p.max_time));
    const minIdParam = intParam('min_id', p.min_id);
    const maxIdParam = intParam('max_id', p.max_id);
    const minId = Math.max(minIdParam ?? -1, time.minId ?? -1);
    const maxId = Math.min(maxIdParam ?? Number.MAX_SAFE_INTEGER, time.maxId ?? Number.MAX_SAFE_INTEGER);
    const tail = p.tail === 'true' || p.tail === '1';
    const forward = minIdParam !== undefined && maxIdParam === undefined && !tail;
    const parsed = parse(p.q ?? '');
    if (!parsed.ok) throw appError('QUERY_SYNTAX', `${parsed.error.message} (at offset ${parsed.error.offset})`);
    let systemIds: number[] | undefined;
    if (p.system_id) {
      const system = opts.store.systems.find(p.system_id);
      if (!system) throw appError('NOT_FOUND', `no system "${p.system_id}"`);
      systemIds = [system.id];
    }
    if (p.group_id) {
      const group = opts.store.groups.find(p.group_id);
      if (!group) throw appError('NOT_FOUND', `no group "${p.group_id}"`);
      systemIds = systemIds ? systemIds.filter((id) => group.system_ids.includes(id)) : group.system_ids;
    }
    const filter = opts.store.compile(parsed.ast, systemIds);
    const started = opts.now();
    const page = opts.store.searcher.page({
      filter,
      minId: minId < 0 ? undefined : minId,
      maxId: maxId === Number.MAX_SAFE_INTEGER ? undefined : maxId,
      direction: forward ? 'oldest' : 'newest',
      limit,
      deadlineMs: started + SEARCH_BUDGET_MS,
      now: opts.now,
    });
    const first = page.events[0]?.id;
    const last = page.events.at(-1)?.id;
    const response: SearchResponse = {
      events: page.events,
      // With no events, the cursors still say where the search stopped.
      min_id: first ?? String(forward ? page.cursor : page.cursor),
      max_id: last ?? String(page.cursor),
    };
    if (page.timedOut) response.reached_time_limit = true;
    else if (!page.exhausted) response.reached_record_limit = true;
    else if (forward) response.reached_end = true;
    else response.reached_beginning = true;
    return response;
  });
}
