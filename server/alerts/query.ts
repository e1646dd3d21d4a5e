// A saved search's query compiled for the store, or why it cannot be: the store's compiler
// (DESIGN 5) against the systems and groups as they are now, keyed so that alerts with the same
// compiled query share counts and tallies.
import { parse } from '../../shared/query/parse.ts';
import type { Store } from '../store/index.ts';
import type { Filter } from '../store/search.ts';

export type Compiled = { query: string; group_id: number | null; filter: Filter; key: string } | { query: string; group_id: number | null; error: string };

export function compileQuery(store: Store, query: string, groupId: number | null): Compiled {
  const parsed = parse(query);
  if (!parsed.ok) return { query, group_id: groupId, error: `bad query: ${parsed.error.message} (at offset ${parsed.error.offset})` };
  let systemIds: number[] | undefined;
  if (groupId !== null) {
    const group = store.groups.find(String(groupId));
    if (!group) return { query, group_id: groupId, error: `group ${groupId} no longer exists: edit the saved search` };
    systemIds = group.system_ids;
  }
  const filter = store.compile(parsed.ast, systemIds);
  return { query, group_id: groupId, filter, key: `${filter.fts ?? ''}\u0000${filter.where}\u0000${JSON.stringify(filter.params)}` };
}

export function compileSavedSearch(store: Store, searchId: number): Compiled {
  const search = store.searches.find(searchId);
  if (!search) return { query: '', group_id: null, error: `saved search ${searchId} no longer exists` };
  return compileQuery(store, search.query, search.group_id);
}
