// Create or change a group: a name, and members by wildcard on system names (`web-*`, previewed
// live against the systems seen so far, with the server's matcher) or picked from the list.
import { useMemo, useState, type FormEvent } from 'react';
import type { Group, System } from '../../../shared/api.ts';
import { wildcardToRegExp } from '../../../shared/query/match.ts';
import { post, put } from '../api/client.ts';
import { useAction } from '../hooks/useApi.ts';
import { Dialog, FormActions } from './Dialog.tsx';
import { count } from '../lib/count.ts';
import { ErrorText } from './ErrorText.tsx';

/** The preview lists this many names; the count covers them all. */
const PREVIEW_MAX = 50;

/** Systems a wildcard names: case-insensitive, `*` any run (as store/groups.ts resolves groups). */
export function wildcardMembers(pattern: string, systems: System[]): System[] {
  if (!pattern.trim()) return [];
  const re = wildcardToRegExp(pattern.trim().toLowerCase());
  return systems.filter((s) => re.test(s.name.toLowerCase()));
}

export function GroupDialog({ group, systems, onClose, onSaved }: { group?: Group; systems: System[]; onClose(): void; onSaved(g: Group): void }) {
  const [name, setName] = useState(group?.name ?? '');
  const [mode, setMode] = useState<'wildcard' | 'list'>(group && group.system_wildcard === null ? 'list' : 'wildcard');
  const [wildcard, setWildcard] = useState(group?.system_wildcard ?? '');
  const [picked, setPicked] = useState<Set<number>>(() => new Set(group?.system_wildcard === null ? group.system_ids : []));
  const [pickFilter, setPickFilter] = useState('');
  const action = useAction();
  const matched = useMemo(() => (mode === 'wildcard' ? wildcardMembers(wildcard, systems) : []), [mode, wildcard, systems]);
  const pickable = useMemo(() => systems.filter((s) => s.name.toLowerCase().includes(pickFilter.trim().toLowerCase())).slice(0, 500), [systems, pickFilter]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { name: name.trim(), system_wildcard: mode === 'wildcard' ? wildcard.trim() : null, system_ids: mode === 'list' ? [...picked] : [] };
    const saved = await action.run(() => (group ? put<Group>(`/api/v1/groups/${group.id}.json`, body) : post<Group>('/api/v1/groups.json', body)));
    if (saved) onSaved(saved);
  };
  const toggle = (id: number) =>
    setPicked((p) => {
      const next = new Set(p);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <Dialog title={group ? `Group ${group.name}` : 'New group'} onClose={onClose}>
      <form onSubmit={submit} className="stack">
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoFocus />
        </label>
        <fieldset className="segmented">
          <legend>Members</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'wildcard'} onChange={() => setMode('wildcard')} /> By pattern
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'list'} onChange={() => setMode('list')} /> From a list
          </label>
        </fieldset>
        {mode === 'wildcard' ? (
          <>
            <label>
              Wildcard
              <input value={wildcard} onChange={(e) => setWildcard(e.target.value)} required placeholder="web-*" className="mono" />
            </label>
            <div className="preview" role="region" aria-label="Matching systems" aria-live="polite">
              <div className="muted small">
                {wildcard.trim() ? `${count(matched.length)} of ${count(systems.length)} systems match now; systems seen later join by themselves.` : '* matches any run of characters: web-*, *-staging'}
              </div>
              {matched.length > 0 && (
                <ul className="chips">
                  {matched.slice(0, PREVIEW_MAX).map((s) => (
                    <li key={s.id} className="chip">
                      {s.name}
                    </li>
                  ))}
                  {matched.length > PREVIEW_MAX && <li className="muted">and {matched.length - PREVIEW_MAX} more</li>}
                </ul>
              )}
            </div>
          </>
        ) : (
          <div className="picker">
            <input type="search" aria-label="Filter systems" placeholder="Filter systems" value={pickFilter} onChange={(e) => setPickFilter(e.target.value)} />
            <ul className="pick-list">
              {pickable.map((s) => (
                <li key={s.id}>
                  <label className="check">
                    <input type="checkbox" checked={picked.has(s.id)} onChange={() => toggle(s.id)} /> {s.name}
                  </label>
                </li>
              ))}
              {systems.length === 0 && <li className="muted">No system has sent anything yet.</li>}
            </ul>
            <div className="muted small">{count(picked.size)} selected</div>
          </div>
        )}
        <ErrorText message={action.error} />
        <FormActions submit="Save group" busy={action.busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
