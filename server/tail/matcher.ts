// The live tail's matcher: the same parsed query as search, run in memory (shared/query/match.ts),
// with `group:` terms and the system_id/group_id scope answered from the store's groups. Group
// membership is cached per tail and looked up again when a system the cache has not seen sends
// (a new `web-9` joins `web-*` at once) or when the cache is older than TAIL_GROUPS_REFRESH_MS
// (an edited group takes effect within that time).
import type { SearchParams } from '../../shared/api.ts';
import type { Event } from '../../shared/event.ts';
import { compileMatcher } from '../../shared/query/match.ts';
import { parseScope, type SearchScope } from '../query/scope.ts';
import type { Store } from '../store/index.ts';

export const TAIL_GROUPS_REFRESH_MS = 10_000; // group edits reach open tails within this time

interface Membership {
  members: Set<number>;
  /** Systems checked and found outside: seeing them again needs no lookup. */
  outside: Set<number>;
  atMs: number;
}

class MembershipCache {
  private readonly cache = new Map<string, Membership>();
  constructor(private readonly now: () => number) {}

  has(key: string, lookup: () => readonly number[], systemId: number): boolean {
    let m = this.cache.get(key);
    if (!m || this.now() - m.atMs > TAIL_GROUPS_REFRESH_MS || (!m.members.has(systemId) && !m.outside.has(systemId))) {
      this.cache.set(key, (m = { members: new Set(lookup()), outside: new Set(), atMs: this.now() }));
    }
    if (m.members.has(systemId)) return true;
    m.outside.add(systemId);
    return false;
  }
}

/** `scope` is parseScope(store, params) as resolved at connect; its systems are looked up again as above. */
export function tailMatcher(store: Store, params: Pick<SearchParams, 'q' | 'system_id' | 'group_id'>, scope: SearchScope, now: () => number): (event: Event) => boolean {
  const cache = new MembershipCache(now);
  const query = compileMatcher(scope.ast, {
    inGroup: (name, e) => cache.has(`group:${name}`, () => store.groups.systemIdsMatching(name) ?? [], e.source_id),
  });
  if (scope.systemIds === undefined) return query;
  // A group or system removed after connect matches nothing rather than ending the tail.
  const scopeIds = () => {
    try {
      return parseScope(store, { system_id: params.system_id, group_id: params.group_id }).systemIds ?? [];
    } catch {
      return [];
    }
  };
  return (e) => cache.has('scope', scopeIds, e.source_id) && query(e);
}
