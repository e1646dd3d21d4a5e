// What a search looks at: its parsed query and the systems that system_id / group_id name. Search,
// histogram, facets and the live tail resolve their parameters here, so that the tail (server/tail/)
// and the routes share it without a domain module reaching up into a route.
import type { SearchParams } from '../../shared/api.ts';
import type { QueryNode } from '../../shared/query/ast.ts';
import { parse } from '../../shared/query/parse.ts';
import { appError } from '../errors.ts';
import type { Store } from '../store/index.ts';

export interface SearchScope {
  ast: QueryNode;
  /** From system_id / group_id; undefined = every system. */
  systemIds?: number[];
}

/** q, system_id and group_id, validated: a bad query or an unknown system or group throws a 4xx. */
export function parseScope(store: Store, p: Pick<SearchParams, 'q' | 'system_id' | 'group_id'>): SearchScope {
  const parsed = parse(p.q ?? '');
  if (!parsed.ok) throw appError('QUERY_SYNTAX', `${parsed.error.message} (at offset ${parsed.error.offset})`);
  let systemIds: number[] | undefined;
  if (p.system_id) {
    const system = store.systems.find(p.system_id);
    if (!system) throw appError('NOT_FOUND', `no system "${p.system_id}"`);
    systemIds = [system.id];
  }
  if (p.group_id) {
    const group = store.groups.find(p.group_id);
    if (!group) throw appError('NOT_FOUND', `no group "${p.group_id}"`);
    systemIds = systemIds ? systemIds.filter((id) => group.system_ids.includes(id)) : group.system_ids;
  }
  return { ast: parsed.ast, systemIds };
}
