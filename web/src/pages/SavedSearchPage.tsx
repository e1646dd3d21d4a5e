// /searches/<id> (DESIGN 7; the "run this search" link of alert emails and webhooks): the viewer on
// that search — its query, scoped to its group.
import { Link, Redirect } from 'wouter';
import type { SavedSearch } from '../../../shared/api.ts';
import { useApi } from '../hooks/useApi.ts';
import { viewHref } from '../lib/view-params.ts';

export function SavedSearchPage({ id }: { id: string }) {
  const search = useApi<SavedSearch>(`/api/v1/searches/${encodeURIComponent(id)}.json`);
  if (search.data) return <Redirect to={viewHref({ q: search.data.query, groupId: search.data.group_id === null ? undefined : String(search.data.group_id) })} replace />;
  return (
    <div className="page">
      {search.error ? (
        <>
          <h1>Saved search</h1>
          <p role="alert" className="error">
            {search.error}
          </p>
          <Link href="/searches">All saved searches</Link>
        </>
      ) : (
        <p className="muted" aria-busy="true">
          Opening the search…
        </p>
      )}
    </div>
  );
}
