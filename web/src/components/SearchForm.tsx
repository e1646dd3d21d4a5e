// A saved search's name, query and group: for a new search (/searches) and an edit
// (/searches/<id>/edit). The query is checked as it is typed, by the parser the server uses.
import { useMemo, useState, type FormEvent } from 'react';
import type { Group, SavedSearch, SavedSearchRequest } from '../../../shared/api.ts';
import { parse } from '../../../shared/query/parse.ts';
import { post, put } from '../api/client.ts';
import { useAction, useApi } from '../hooks/useApi.ts';
import { ErrorText } from './ErrorText.tsx';

export function SearchForm({ search, onSaved, onCancel, submitLabel = 'Save' }: { search?: SavedSearch; onSaved(s: SavedSearch): void; onCancel?(): void; submitLabel?: string }) {
  const groups = useApi<Group[]>('/api/v1/groups.json');
  const [name, setName] = useState(search?.name ?? '');
  const [query, setQuery] = useState(search?.query ?? '');
  const [groupId, setGroupId] = useState(search?.group_id === null || search?.group_id === undefined ? '' : String(search.group_id));
  const action = useAction();
  const syntax = useMemo(() => {
    const r = parse(query);
    return r.ok ? undefined : `${r.error.message} (at character ${r.error.offset + 1})`;
  }, [query]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: SavedSearchRequest = { name: name.trim(), query, group_id: groupId ? Number(groupId) : null };
    const saved = await action.run(() => (search ? put<SavedSearch>(`/api/v1/searches/${search.id}.json`, body) : post<SavedSearch>('/api/v1/searches.json', body)));
    if (saved) onSaved(saved);
  };
  return (
    <form onSubmit={submit} className="form-grid" aria-label={search ? 'Edit saved search' : 'New saved search'}>
      <label htmlFor="search-name">Name</label>
      <input id="search-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} className="wide" autoFocus={!search} />
      <label htmlFor="search-query">Query</label>
      <div>
        <input id="search-query" value={query} onChange={(e) => setQuery(e.target.value)} className="wide mono" aria-invalid={syntax ? 'true' : undefined} placeholder="program:heroku/router status>=500" />
        {syntax ? <p className="hint error">{syntax}</p> : <p className="hint">Papertrail's syntax; empty matches every event.</p>}
      </div>
      <label htmlFor="search-group">Group</label>
      <select id="search-group" value={groupId} onChange={(e) => setGroupId(e.target.value)} className="medium">
        <option value="">All systems</option>
        {groups.data?.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name}
          </option>
        ))}
      </select>
      <ErrorText message={action.error} className="span-2" />
      <div className="actions start span-2">
        <button type="submit" className="primary" disabled={action.busy || !!syntax}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
