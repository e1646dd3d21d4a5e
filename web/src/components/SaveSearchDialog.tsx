// "Save search" (DESIGN 7: a dialog with a field "Name" and a button "Save"): the query (and the
// group it is scoped to) becomes a saved search; an alert on it is one link away.
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import type { SavedSearch } from '../../../shared/api.ts';
import { post } from '../api/client.ts';
import { useAction } from '../hooks/useApi.ts';
import { Dialog, FormActions } from './Dialog.tsx';
import { ErrorText } from './ErrorText.tsx';

export function SaveSearchDialog({ query, groupId, onClose }: { query: string; groupId?: string; onClose(): void }) {
  const [name, setName] = useState('');
  const [saved, setSaved] = useState<SavedSearch>();
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const created = await action.run(() => post<SavedSearch>('/api/v1/searches.json', { name: name.trim(), query, group_id: groupId ?? null }));
    if (created) setSaved(created);
  };
  return (
    <Dialog title="Save search" onClose={onClose}>
      {saved ? (
        <div className="stack">
          <p>
            Saved as <strong>{saved.name}</strong>.
          </p>
          <p>
            <Link href={`/searches/${saved.id}/edit`}>Add an alert to it</Link> to be told by email or webhook when it matches — or when it goes quiet.
          </p>
          <div className="actions">
            <button type="button" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} className="stack">
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus maxLength={200} />
          </label>
          <div>
            <span className="muted small">Query</span>
            <pre className="mono query-preview">{query || '(every event)'}</pre>
          </div>
          <ErrorText message={action.error} />
          <FormActions submit="Save" busy={action.busy} onCancel={onClose} />
        </form>
      )}
    </Dialog>
  );
}
