// GET /api/v1/searches/overview.json: the saved-searches screen in one request (issue 12): every
// search with its alerts' states and a 24 h sparkline of its matches (server/alerts/overview.ts).
import type { FastifyInstance } from 'fastify';
import type { SearchesOverviewResponse } from '../../../shared/api.ts';
import { SearchOverviews } from '../../alerts/overview.ts';
import type { Store } from '../../store/index.ts';
import { alertView } from './alerts.ts';
import { searchView } from './searches.ts';

export async function searchOverviewRoutes(app: FastifyInstance, opts: { store: Store; publicUrl: string; now: () => number }): Promise<void> {
  const { store, publicUrl } = opts;
  const overviews = new SearchOverviews(store); // remembers counted hours between requests
  app.get('/api/v1/searches/overview.json', async (): Promise<SearchesOverviewResponse> => {
    const { sparklineStartMs, searches } = overviews.list(opts.now());
    return {
      sparkline_start: sparklineStartMs / 1000,
      searches: searches.map((row) => ({
        ...searchView(row.search, publicUrl),
        alerts: row.alerts.map(({ alert, state, lastRun, failure }) => ({
          ...alertView(alert, store, publicUrl, row.search),
          state,
          last_run: lastRun && { ran_at: new Date(lastRun.ran_ms).toISOString(), matched: lastRun.matched, fired: lastRun.fired, error: lastRun.error },
          failure,
        })),
        sparkline: row.sparkline,
        sparkline_source: row.source,
      })),
    };
  });
}
