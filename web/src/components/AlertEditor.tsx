// The alert editor (DESIGN 7: fields "Frequency", "Condition", "Email", "Webhook URL"; buttons
// "Save" and "Send test"). A new alert is created on its saved search; an existing one is changed
// in place. The webhook signing secret exists only in the answers that create it: shown once.
import { useState, type FormEvent } from 'react';
import type { Alert, AlertFrequency, AlertRequest, AlertRun, AlertWithSecret } from '../../../shared/api.ts';
import { post, put } from '../api/client.ts';
import { useAction } from '../hooks/useApi.ts';
import { FREQUENCIES } from '../lib/alert-words.ts';
import { localZoneName } from '../lib/time-format.ts';
import { DeliveryList } from './AlertHistory.tsx';
import { CopyButton } from './CopyButton.tsx';
import { ErrorText } from './ErrorText.tsx';

interface Form {
  frequency: AlertFrequency;
  condition: 'at_least' | 'none';
  count: string;
  email: string;
  webhookUrl: string;
  countsOnly: boolean;
  timezone: string;
  enabled: boolean;
}

function formOf(a: Alert | undefined, defaultEmail: string): Form {
  return {
    frequency: a?.frequency ?? '1m',
    condition: a?.condition.type ?? 'at_least',
    count: String(a?.condition.type === 'at_least' ? a.condition.count : 1),
    email: a ? a.email_to.join(', ') : defaultEmail,
    webhookUrl: a?.webhook_url ?? '',
    countsOnly: a?.webhook_counts_only ?? false,
    timezone: a?.timezone ?? localZoneName(),
    enabled: a?.enabled ?? true,
  };
}

function requestOf(f: Form, searchId: number): AlertRequest {
  return {
    search_id: searchId,
    frequency: f.frequency,
    condition: f.condition === 'none' ? { type: 'none' } : { type: 'at_least', count: Number(f.count) },
    email_to: f.email.split(/[,;\s]+/).filter(Boolean),
    webhook_url: f.webhookUrl.trim() || null,
    webhook_counts_only: f.countsOnly,
    timezone: f.timezone.trim(),
    enabled: f.enabled,
  };
}

export function AlertEditor({ searchId, alert, defaultEmail = '', onSaved, onTested, onCancel }: { searchId: number; alert?: Alert; defaultEmail?: string; onSaved(a: Alert | AlertWithSecret): void; onTested?(): void; onCancel?(): void }) {
  const [form, setForm] = useState<Form>(() => formOf(alert, defaultEmail));
  const [saved, setSaved] = useState(false);
  const [test, setTest] = useState<AlertRun>();
  const save = useAction();
  const sendTest = useAction();
  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    setSaved(false);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = requestOf(form, searchId);
    const result = await save.run(() => (alert ? put<Alert>(`/api/v1/alerts/${alert.id}.json`, body) : post<AlertWithSecret>('/api/v1/alerts.json', body)));
    if (result) {
      setSaved(true);
      onSaved(result);
    }
  };
  const runTest = async () => {
    if (!alert) return;
    setTest(undefined);
    const run = await sendTest.run(() => post<AlertRun>(`/api/v1/alerts/${alert.id}/test.json`));
    setTest(run);
    if (run) onTested?.();
  };
  const id = (name: string) => `alert-${alert?.id ?? 'new'}-${name}`;
  return (
    <form className="alert-editor" onSubmit={submit} aria-label={alert ? 'Edit alert' : 'New alert'}>
      <div className="form-grid">
        <label htmlFor={id('frequency')}>Frequency</label>
        <select id={id('frequency')} value={form.frequency} onChange={(e) => set('frequency', e.target.value as AlertFrequency)}>
          {FREQUENCIES.map(([k, words]) => (
            <option key={k} value={k}>
              {words}
            </option>
          ))}
        </select>

        <label htmlFor={id('condition')}>Condition</label>
        <div className="inline-fields">
          <select id={id('condition')} value={form.condition} onChange={(e) => set('condition', e.target.value as Form['condition'])}>
            <option value="at_least">At least N new matches</option>
            <option value="none">No new match (gone quiet)</option>
          </select>
          {form.condition === 'at_least' && (
            <input type="number" aria-label="Minimum matches" min={1} step={1} required value={form.count} onChange={(e) => set('count', e.target.value)} className="narrow" />
          )}
        </div>

        <label htmlFor={id('email')}>Email</label>
        <div>
          <input id={id('email')} value={form.email} onChange={(e) => set('email', e.target.value)} placeholder="oncall@example.com, dev@example.com" autoComplete="off" className="wide" />
          <p className="hint">Recipients, separated by commas.</p>
        </div>

        <label htmlFor={id('webhook')}>Webhook URL</label>
        <div>
          <input id={id('webhook')} type="url" value={form.webhookUrl} onChange={(e) => set('webhookUrl', e.target.value)} placeholder="https://hooks.example.com/papertrail" className="wide" />
          <label className="check">
            <input type="checkbox" checked={form.countsOnly} onChange={(e) => set('countsOnly', e.target.checked)} /> Send counts per sender only (no events)
          </label>
          <p className="hint">Papertrail's format (form field <code>payload</code>), signed with <code>X-Driftwood-Signature</code>.</p>
        </div>

        <label htmlFor={id('zone')}>Alert time zone</label>
        <div>
          <input id={id('zone')} value={form.timezone} onChange={(e) => set('timezone', e.target.value)} className="medium" placeholder="Europe/Berlin" />
          <p className="hint">Daily alerts run at 05:00 in this zone; emails show times in it.</p>
        </div>

        <span />
        <label className="check">
          <input type="checkbox" checked={form.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Enabled
        </label>
      </div>
      <ErrorText message={save.error} />
      <div className="actions start">
        <button type="submit" className="primary" disabled={save.busy}>
          Save
        </button>
        {alert && (
          <button type="button" onClick={() => void runTest()} disabled={sendTest.busy || save.busy} title="Send the latest matching events (or a sample) to every recipient and the webhook now">
            {sendTest.busy ? 'Sending…' : 'Send test'}
          </button>
        )}
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
        {saved && !save.busy && <span className="ok-text" role="status">Saved</span>}
      </div>
      <ErrorText message={sendTest.error} prefix="Test not sent: " />
      {test && (
        <div className="test-result" role="status" aria-label="Test result">
          <strong>Test sent</strong> {test.matched ? `with the latest ${test.matched === 1 ? 'matching event' : `${test.matched} matching events`}` : '(nothing matches yet, so it carries no event)'}: <DeliveryList deliveries={test.deliveries} />
        </div>
      )}
    </form>
  );
}

/** The webhook signing secret, once (after creation or rotation). */
export function SecretOnce({ secret }: { secret: string }) {
  return (
    <div className="notice" role="status">
      <strong>Webhook signing secret</strong> — shown only now. Receivers check{' '}
      <code>X-Driftwood-Signature: sha256=HMAC-SHA256(secret, body)</code>.
      <div className="secret-row">
        <code className="secret" aria-label="Webhook secret">
          {secret}
        </code>
        <CopyButton text={secret} what="secret" />
      </div>
    </div>
  );
}
