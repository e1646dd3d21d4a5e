// The store: the one owner of SQLite files under the data directory. Ingest calls commit();
// routes call the read functions. Nothing outside server/store/ sees SQL.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ApiTokens, Sessions, Users } from './auth.ts';
import { openDb, type Db } from './db.ts';
import type { QueryNode } from '../../shared/query/ast.ts';
import { compileQuery } from './compile.ts';
import { Traffic } from './traffic.ts';
import { Drains } from './drains.ts';
import { Groups } from './groups.ts';
import { histogram, type Histogram, type HistogramRequest } from './histogram.ts';
import { facets, type FacetsRequest, type FacetsResult } from './facets.ts';
import { EventWriter, storedEvents } from './events.ts';
import { FtsIndexer } from './indexer.ts';
import type { DayHead } from './chain.ts';
import { Partitions } from './partitions.ts';
import { Searcher, type Filter } from './search.ts';
import { Systems } from './systems.ts';
import { HourlyVolume } from './volume.ts';
import { Alerts } from './alerts.ts';
import { Windows } from './count.ts';
import { Searches } from './searches.ts';
import type { Submission, SubmissionResult } from './types.ts';
import type { Packed } from './packed.ts';
import { committedResults, type EventSink } from './writer.ts';

export interface Store extends EventSink {
  append(submissions: readonly Submission[]): SubmissionResult[];
  /** A pipeline's flush, committed in process (tests, the CLI); the server's goes to its writer thread. */
  commit(flush: readonly Packed[]): SubmissionResult[];
  readonly searcher: Searcher;
  readonly systems: Systems;
  /** Events per system per hour, from the per-minute counts (the systems screen). */
  readonly volume: HourlyVolume;
  readonly drains: Drains;
  readonly users: Users;
  readonly sessions: Sessions;
  readonly apiTokens: ApiTokens;
  readonly groups: Groups;
  readonly partitions: Partitions;
  /** Saved searches (DESIGN 6). */
  readonly searches: Searches;
  /** Alerts, their cursors, runs and deliveries. */
  readonly alerts: Alerts;
  /** Counts and events over id windows, for alert runs. */
  readonly windows: Windows;
  histogram(req: HistogramRequest): Histogram;
  /** Top values per attribute or field among the newest matches (the viewer's sidebar). */
  facets(req: FacetsRequest): FacetsResult;
  /** The hash chain head of the newest day that has one (docs/SECURITY.md). */
  head(): DayHead | undefined;
  /** Compiles a parsed query against the current systems and groups, optionally only for some systems. */
  compile(ast: QueryNode, systemIds?: readonly number[]): Filter;
  /** Bytes of every file in the data directory's store: the day files, their indexes, the meta database. */
  bytesOnDisk(): number;
  close(): void;
}

export function openStore(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const meta: Db = openDb(join(dataDir, 'driftwood.sqlite'), 'meta');
  const partitions = new Partitions(dataDir);
  const systems = new Systems(meta);
  const written = new Set<string>();
  const writer = new EventWriter(partitions, systems, (day) => written.add(day));
  const indexer = new FtsIndexer(partitions);
  const groups = new Groups(meta, systems);
  const traffic = new Traffic(partitions);
  const searcher = new Searcher(partitions, systems);
  const windows = new Windows(dataDir, partitions, systems, searcher);
  // In process (CLI, tests), what was written is indexed at once.
  const indexed = <T>(results: T): T => {
    indexer.indexNew(written);
    written.clear();
    return results;
  };
  return {
    append: (subs) => indexed(writer.write(subs)).map((r, i) => storedEvents(() => subs[i]!.events, r, (id) => systems.nameOf(id))),
    commit: (flush) => committedResults(flush, indexed(writer.writePacked(flush)), (id) => systems.nameOf(id)),
    searcher,
    systems,
    volume: new HourlyVolume(partitions),
    drains: new Drains(meta),
    users: new Users(meta),
    sessions: new Sessions(meta),
    apiTokens: new ApiTokens(meta),
    groups,
    partitions,
    searches: new Searches(meta),
    alerts: new Alerts(meta),
    windows,
    histogram: (req) => histogram(partitions, req),
    facets: (req) => facets(searcher, systems, req),
    head: () => {
      for (const day of partitions.days()) {
        const h = partitions.head(day);
        if (h) return h;
      }
      return undefined;
    },
    compile: (ast, systemIds) =>
      compileQuery(ast, { systems: systems.names(), groupSystemIds: (name) => groups.systemIdsMatching(name) }, { systemIds, shareOf: (ids) => traffic.shareOf(ids) }),
    bytesOnDisk: () => {
      const metaPath = join(dataDir, 'driftwood.sqlite');
      const meta = ['', '-wal', '-shm'].reduce((n, suffix) => n + (existsSync(metaPath + suffix) ? statSync(metaPath + suffix).size : 0), 0);
      return meta + partitions.bytesOnDisk();
    },
    close() {
      void windows.close(); // the counting thread, if alerts started one
      systems.flushLastSeen(true);
      partitions.close();
      meta.close();
    },
  };
}

export type { ApiTokenRow, Role, UserRow } from './auth.ts';
export type { DayHead } from './chain.ts';
export type { NewEvent, Submission, SubmissionResult, SystemRow, DrainRow } from './types.ts';
export { ThreadedWriter, type EventSink } from './writer.ts';
