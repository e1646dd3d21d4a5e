// GET /api/v1/integrity/head.json: the current hash chain head, to be kept somewhere else and
// checked later with `driftwood verify --checkpoints` (docs/SECURITY.md, "Tamper evidence").
import type { FastifyInstance } from 'fastify';
import type { IntegrityHead } from '../../../shared/api.ts';
import { GENESIS } from '../../integrity/hash.ts';
import type { Store } from '../../store/index.ts';

export async function integrityRoutes(app: FastifyInstance, opts: { store: Store }): Promise<void> {
  app.get('/api/v1/integrity/head.json', async (): Promise<IntegrityHead> => {
    const h = opts.store.head();
    return h ? { day: h.day, batch: h.batch, hash: h.hash, events: h.events, last_id: String(h.lastId) } : { day: null, batch: 0, hash: GENESIS, events: 0, last_id: null };
  });
}
