// GET/POST/DELETE /api/v1/drains[/:id].json: drain tokens, with the ready `heroku drains:add` line.
// GET /api/v1/drains/:id.json adds the first event received through the drain (the "waiting for
// the first event…" indicator of the sources screen polls it) and when the last one arrived.
import type { FastifyInstance } from 'fastify';
import type { Drain, DrainStatus } from '../../../shared/api.ts';
import { appError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import type { DrainRow } from '../../store/types.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function drainView(d: DrainRow, publicUrl: string): Drain {
  const url = `${publicUrl}/drains/${d.token}`;
  return { ...d, url, heroku_command: `heroku drains:add ${url} -a ${d.name}` };
}

export function checkDrainName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw appError('BAD_REQUEST', 'name: 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }
  return name;
}

export async function drainAdminRoutes(app: FastifyInstance, opts: { store: Store; publicUrl: string; now: () => number }): Promise<void> {
  const { store, now } = opts;
  app.get<{ Params: { id: string } }>('/api/v1/drains/:id.json', async (request): Promise<DrainStatus> => {
    const drain = store.drains.find(request.params.id);
    if (!drain) throw appError('NOT_FOUND', `no drain "${request.params.id}"`);
    // A drain's lines are stored under a system named after it (DESIGN 2); one of that name that
    // sent by syslog before the drain existed does not count.
    const system = store.systems.find(drain.name);
    if (!system) return { ...drainView(drain, opts.publicUrl), first_event: null, last_event_at: null };
    const ends = store.searcher.systemEnds(system.id, Math.max(Date.parse(drain.created_at), Date.parse(system.first_seen_at)), now);
    // The newest event rather than the system's last_seen_at, which is written at most once a second.
    return { ...drainView(drain, opts.publicUrl), first_event: ends?.first ?? null, last_event_at: ends?.newest.received_at ?? null };
  });
  app.get('/api/v1/drains.json', async (): Promise<Drain[]> => opts.store.drains.list().map((d) => drainView(d, opts.publicUrl)));
  app.post<{ Body: { name?: unknown; drain?: { name?: unknown } } }>('/api/v1/drains.json', async (request, reply): Promise<Drain> => {
    const name = checkDrainName(request.body?.name ?? request.body?.drain?.name);
    if (opts.store.drains.find(name)) throw appError('CONFLICT', `a drain named "${name}" exists`);
    reply.code(201);
    return drainView(opts.store.drains.create(name, opts.now()), opts.publicUrl);
  });
  app.delete<{ Params: { id: string } }>('/api/v1/drains/:id.json', async (request, reply) => {
    const drain = opts.store.drains.find(request.params.id);
    if (!drain || !opts.store.drains.remove(drain.id)) throw appError('NOT_FOUND', `no drain "${request.params.id}"`);
    return reply.code(204).send();
  });
}
