// /sources: add a log source. An HTTPS drain (Heroku, curl) is created here (DESIGN 7: "Create
// drain" asks for "Name", then shows the "Drain URL"), and waits, polling, for its first line;
// syslog senders get their configuration with this server's host and ports. Drains are listed,
// with revoke (admins: members see the syslog part only, as the server allows).
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import type { Drain, ServerInfo } from '../../../shared/api.ts';
import { del, post } from '../api/client.ts';
import { CodeBlock, CopyButton } from '../components/CopyButton.tsx';
import { FirstEvent } from '../components/FirstEvent.tsx';
import { useAction, useApi } from '../hooks/useApi.ts';
import { ago } from '../lib/ago.ts';
import { drainSnippets, syslogSnippets, type ServerAddress, type Snippet } from '../lib/source-snippets.ts';
import { fullTime, useZone } from '../lib/time-format.ts';
import { viewHref } from '../lib/view-params.ts';
import { useSession } from '../session.tsx';
import { ErrorText } from '../components/ErrorText.tsx';

/** DESIGN 1 default, until the server has said. */
const DEFAULT_SYSLOG_PORT = 5514;

/** Senders reach the host of the public URL (the one drain URLs carry); this page's host until known. */
function serverAddress(info: ServerInfo | undefined): ServerAddress {
  if (!info) return { host: window.location.hostname, syslogPort: DEFAULT_SYSLOG_PORT, tlsPort: null };
  return { host: new URL(info.public_url).hostname, syslogPort: info.syslog_port, tlsPort: info.syslog_tls_port };
}

function Snippets({ snippets }: { snippets: Snippet[] }) {
  const [tab, setTab] = useState(snippets[0]!.key);
  const current = snippets.find((s) => s.key === tab) ?? snippets[0]!;
  return (
    <div className="snippets">
      <div role="tablist" className="tabs">
        {snippets.map((s) => (
          <button key={s.key} type="button" role="tab" aria-selected={s.key === current.key} className={s.key === current.key ? 'tab active' : 'tab'} onClick={() => setTab(s.key)}>
            {s.title}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={current.title}>
        <p className="hint">{current.intro}</p>
        <CodeBlock code={current.code} what={`${current.title} snippet`} />
      </div>
    </div>
  );
}

function CreateDrain({ onCreated }: { onCreated(d: Drain): void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const d = await action.run(() => post<Drain>('/api/v1/drains.json', { name: name.trim() }));
    if (d) {
      setOpen(false);
      setName('');
      onCreated(d);
    }
  };
  if (!open)
    return (
      <button type="button" className="primary" onClick={() => setOpen(true)}>
        Create drain
      </button>
    );
  return (
    <form onSubmit={submit} className="inline-form" aria-label="Create drain">
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" placeholder="my-app" autoFocus title="Letters, digits, . _ - (the Heroku app's name is a good choice)" />
      </label>
      <button type="submit" className="primary" disabled={action.busy}>
        Create
      </button>
      <button type="button" className="secondary" onClick={() => setOpen(false)}>
        Cancel
      </button>
      <ErrorText message={action.error} />
    </form>
  );
}

function DrainPanel({ drain, address }: { drain: Drain; address: ServerAddress }) {
  return (
    <section className="card" aria-label={`Drain ${drain.name}`}>
      <div className="card-head">
        <h2>Drain {drain.name}</h2>
        <FirstEvent drain={drain} />
      </div>
      <div className="secret-row">
        <code className="url" aria-label="Drain URL">
          {drain.url}
        </code>
        <CopyButton text={drain.url} what="the URL" />
      </div>
      <p className="hint">
        The URL is the credential: whoever has it can send lines as <strong>{drain.name}</strong>. Revoke the drain below if it leaks. Heroku syslog drains may instead send to <code>{address.host}:{address.syslogPort ?? DEFAULT_SYSLOG_PORT}</code> with the token <code>{drain.token}</code> as the host name.
      </p>
      <Snippets snippets={drainSnippets(drain)} />
    </section>
  );
}

export function SourcesPage() {
  const { session } = useSession();
  const admin = session.user.role === 'admin';
  const zone = useZone();
  const drains = useApi<Drain[]>(admin ? '/api/v1/drains.json' : undefined);
  const [selected, setSelected] = useState<Drain>();
  const revoke = useAction();
  const info = useApi<ServerInfo>('/api/v1/server.json');
  const address = serverAddress(info.data);
  const now = Date.now();

  const remove = async (d: Drain) => {
    if (!confirm(`Revoke the drain "${d.name}"? Lines sent to its URL are refused from now on; stored lines stay.`)) return;
    if (await revoke.run(() => del(`/api/v1/drains/${d.id}.json`).then(() => true))) {
      if (selected?.id === d.id) setSelected(undefined);
      void drains.reload();
    }
  };

  return (
    <div className="page narrow-page">
      <div className="page-head">
        <h1>Add a log source</h1>
      </div>

      <section className="card" aria-label="HTTPS drains">
        <div className="card-head">
          <h2>HTTPS drain — Heroku, curl, anything that can POST</h2>
          {admin && <CreateDrain onCreated={(d) => { setSelected(d); void drains.reload(); }} />}
        </div>
        {!admin && <p className="muted">An admin creates drains (each has its own secret URL). Syslog senders need none: see below.</p>}
        <ErrorText message={drains.error} />
        <ErrorText message={revoke.error} />
        {drains.data?.length === 0 && !selected && <p className="empty-state">No drains yet. Create one per app or service: its lines are stored under the drain's name.</p>}
        {drains.data && drains.data.length > 0 && (
          <table className="grid" aria-label="Drains">
            <thead>
              <tr>
                <th>Name</th>
                <th>URL</th>
                <th>Created</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {drains.data.map((d) => (
                <tr key={d.id} className={selected?.id === d.id ? 'selected' : undefined}>
                  <td className="name-cell">
                    <Link href={viewHref({ q: '', systemId: d.name })} title="Its events in the viewer">
                      {d.name}
                    </Link>
                  </td>
                  <td className="mono small clip" title={d.url}>
                    {d.url}
                  </td>
                  <td className="nowrap muted" title={fullTime(d.created_at, zone)}>
                    {ago(d.created_at, now)}
                  </td>
                  <td className="actions-cell nowrap">
                    <button type="button" className="link" onClick={() => setSelected(d)}>
                      Instructions
                    </button>{' '}
                    <button type="button" className="link danger-text" onClick={() => void remove(d)} aria-label={`Revoke ${d.name}`}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {selected && <DrainPanel key={selected.id} drain={selected} address={address} />}

      <section className="card" aria-label="Syslog">
        <div className="card-head">
          <h2>Syslog — servers, containers, programs</h2>
        </div>
        {address.syslogPort === null ? (
          <p className="muted">Syslog is off on this server (DRIFTWOOD_SYSLOG_PORT=0).</p>
        ) : (
          <>
            <p className="hint">
              <code>
                {address.host}:{address.syslogPort}
              </code>{' '}
              over UDP and TCP{address.tlsPort !== null && <>, TLS on port {address.tlsPort}</>}. Each sender shows up as a system named after its host name; no token needed.
            </p>
            <Snippets snippets={syslogSnippets(address)} />
          </>
        )}
      </section>
    </div>
  );
}
