// GET /api/v1/systems.json and /api/v1/systems/:id.json: the senders seen so far. With
// `include=activity`, each with where its lines come from and its events per hour over 24 h (the
// systems screen, issue 12).
import type { FastifyInstance } from 'fastify';
import type { System, SystemActivity, SystemSource } from '../../../shared/api.ts';
import { appError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import { firstOfLastHours } from '../../store/volume.ts';

const VOLUME_HOURS = 24;
/** Reading the hours not yet remembered, per request: 2,000 systems must stay one quick request. */
const VOLUME_BUDGET_MS = 150;

export async function systemRoutes(app: FastifyInstance, opts: { store: Store; now: () => number }): Promise<void> {
  const { store } = opts;
  app.get<{ Querystring: { include?: string } }>('/api/v1/systems.json', async (request): Promise<System[] | SystemActivity[]> => {
    const include = request.query.include ?? '';
    if (include === '') return store.systems.list();
    if (include !== 'activity') throw appError('BAD_REQUEST', `include: "${include}" is not known (use activity)`);
    const nowMs = opts.now();
    const startMs = firstOfLastHours(nowMs, VOLUME_HOURS);
    const { bySystem, quiet } = store.volume.perSystem(startMs, VOLUME_HOURS, nowMs, performance.now() + VOLUME_BUDGET_MS);
    // A drain's lines are stored under the drain's name (DESIGN 2).
    const drains = new Map(store.drains.list().map((d) => [d.name, d]));
    return store.systems.list().map((s) => {
      const drain = drains.get(s.name);
      const source: SystemSource = drain ? { type: 'drain', drain_id: drain.id, name: drain.name } : { type: 'syslog', address: s.ip };
      return { ...s, source, volume: bySystem.get(s.id) ?? quiet, volume_start: startMs / 1000 };
    });
  });
  app.get<{ Params: { id: string } }>('/api/v1/systems/:id.json', async (request): Promise<System> => {
    const system = store.systems.find(request.params.id);
    if (!system) throw appError('NOT_FOUND', `no system "${request.params.id}"`);
    return system;
  });
}
