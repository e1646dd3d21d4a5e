// The store: the one owner of SQLite files under the data directory. Ingest calls append();
// routes call the read functions. Nothing outside server/store/ sees SQL.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApiTokens, Sessions, Users } from './auth.ts';
import { openDb, type Db } from './db.ts';
import type { QueryNode } from '../../shared/query/ast.ts';
import { compileQuery, restrictToSystems } from './compile.ts';
import { Drains } from './drains.ts';
import { Groups } from './groups.ts';
import { histogram, type Histogram, type HistogramRequest } from './histogram.ts';
import { EventWriter } from './events.ts';
import { Partitions } from './partitions.ts';
import { Searcher, type Filter } from './search.ts';
import { Systems } from './systems.ts';
import type { Submission, SubmissionResult } from './types.ts';

export interface Store {
  append(submissions: readonly Submission[]): SubmissionResult[];
  readonly searcher: Searcher;
  readonly systems: Systems;
  readonly drains: Drains;
  readonly users: Users;
  readonly sessions: Sessions;
  readonly apiTokens: ApiTokens;
  readonly groups: Groups;
  readonly partitions: Partitions;
  histogram(req: HistogramRequest): Histogram;
  /** Compiles a parsed query against the current systems and groups, optionally only for some systems. */
  compile(ast: QueryNode, systemIds?: readonly number[]): Filter;
  close(): void;
}

export function openStore(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const meta: Db = openDb(join(dataDir, 'driftwood.sqlite'), 'meta');
  const partitions = new Partitions(dataDir);
  const systems = new Systems(meta);
  const writer = new EventWriter(partitions, systems);
  const groups = new Groups(meta, systems);
  return {
    append: (subs) => writer.append(subs),
    searcher: new Searcher(partitions, systems),
    systems,
    drains: new Drains(meta),
    users: new Users(meta),
    sessions: new Sessions(meta),
    apiTokens: new ApiTokens(meta),
    groups,
    partitions,
    histogram: (req) => histogram(partitions, req),
    compile: (ast, systemIds) => restrictToSystems(compileQuery(ast, { systems: systems.list(), groupSystemIds: (name) => groups.systemIdsMatching(name) }), systemIds),
    close() {
      partitions.close();
      meta.close();
    },
  };
}

export type { ApiTokenRow, Role, UserRow } from './auth.ts';
export type { NewEvent, Submission, SubmissionResult, SystemRow, DrainRow } from './types.ts';
