// The starter pack (`driftwood alerts starter`) from the browser: saved searches and alerts for
// what the OWASP Logging Cheat Sheet and Heroku's error codes say to watch, mailed to one address.
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import type { StarterResponse } from '../../../shared/api.ts';
import { post } from '../api/client.ts';
import { useAction } from '../hooks/useApi.ts';
import { Dialog, FormActions } from './Dialog.tsx';
import { ErrorText } from './ErrorText.tsx';

const ALERT_WORDS: Record<StarterResponse['items'][number]['alert'], string> = { created: 'alert created', recipient_added: 'recipient added', unchanged: 'already there' };

export function StarterDialog({ defaultEmail, onClose, onDone }: { defaultEmail: string; onClose(): void; onDone(): void }) {
  const [email, setEmail] = useState(defaultEmail);
  const [result, setResult] = useState<StarterResponse>();
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await action.run(() => post<StarterResponse>('/api/v1/alerts/starter.json', { email: email.trim() }));
    if (r) {
      setResult(r);
      onDone();
    }
  };
  return (
    <Dialog title="Starter alerts" onClose={onClose}>
      {result ? (
        <div className="stack">
          <ul className="plain-list" aria-label="Starter alerts added">
            {result.items.map((i) => (
              <li key={i.key}>
                <Link href={`/alerts/${i.alert_id}`} onClick={onClose}>
                  {i.name}
                </Link>{' '}
                <span className="muted">— {ALERT_WORDS[i.alert]}</span>
                {!i.enabled && <span className="badge st-disabled" title="Enable it once Heroku router lines arrive">disabled</span>}
              </li>
            ))}
          </ul>
          <div className="actions">
            <button type="button" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} className="stack">
          <p>Failed logins (and bursts of them), access-control failures, password resets for unknown addresses, errors, warnings, Heroku error codes and 5xx, and a site gone quiet: a saved search and an alert each, checked every minute (10 minutes for the quiet site). Adding them twice changes nothing.</p>
          <label>
            Email
            <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus />
          </label>
          <ErrorText message={action.error} />
          <FormActions submit="Add starter alerts" busy={action.busy} onCancel={onClose} />
        </form>
      )}
    </Dialog>
  );
}
