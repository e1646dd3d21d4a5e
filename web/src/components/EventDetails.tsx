// One event, expanded (DESIGN 7: a region named "Event details" with a link named "Permalink"):
// every field, the flags, the whole message (cut past a few KB until "Show all"), the lines before
// and after it from the same system (context.json), and pivots to its sender and program.
import { useEffect, useMemo, useState, type MouseEvent } from 'react';
import type { ContextResponse } from '../../../shared/api.ts';
import type { Event } from '../../../shared/event.ts';
import { fieldsOf } from '../../../shared/logfmt.ts';
import { get, withQuery } from '../api/client.ts';
import { plainEvent } from '../api/rows-page.ts';
import type { Highlighter } from '../lib/highlight.ts';
import { fullTime, streamTime } from '../lib/time-format.ts';
import { quoteValue, viewHref } from '../lib/view-params.ts';
import { syslogLine } from '../lib/syslog-line.ts';
import { CopyButton } from './CopyButton.tsx';
import { Message } from './Message.tsx';

/** Longer messages are shown cut until "Show all": one huge line must not stall the page. */
export const DETAILS_MESSAGE_CHARS = 8 * 1024;
const CONTEXT_LINES = 5;

export interface EventDetailsProps {
  event: Event;
  highlighter: Highlighter;
  zone: 'local' | 'utc';
  onClose(): void;
  onAddTerm(term: string, exclude: boolean): void;
  onPivot(e: MouseEvent, event: Event, attribute: 'sender' | 'program'): void;
  pivotHref(event: Event, attribute: 'sender' | 'program'): string;
  onOpenEvent(id: string): void;
}

export function EventDetails({ event, highlighter, zone, onClose, onAddTerm, onPivot, pivotHref, onOpenEvent }: EventDetailsProps) {
  // The viewer's pages leave out the fields the message gives (search.json derived_fields=omit):
  // the event as the API's default has it, for the one shown. An event with them all is unchanged.
  const e = useMemo(() => ({ ...plainEvent(event), fields: fieldsOf(event.message, event.fields) }), [event]);
  const [showAll, setShowAll] = useState(false);
  const [context, setContext] = useState<ContextResponse>();
  const [contextError, setContextError] = useState('');
  useEffect(() => {
    setShowAll(false);
    setContext(undefined);
    setContextError('');
    const abort = new AbortController();
    get<ContextResponse>(withQuery(`/api/v1/events/${e.id}/context.json`, { before: CONTEXT_LINES, after: CONTEXT_LINES }), abort.signal)
      .then(setContext)
      .catch((err: Error) => !abort.signal.aborted && setContextError(err.message));
    return () => abort.abort();
  }, [e.id]);

  const long = e.message.length > DETAILS_MESSAGE_CHARS;
  const message = long && !showAll ? e.message.slice(0, DETAILS_MESSAGE_CHARS) : e.message;
  const fieldEntries = Object.entries(e.fields);
  return (
    <section className="details" aria-label="Event details">
      <header className="details-head">
        <h2>
          <span className={`sev-badge sev-${e.severity.toLowerCase()}`}>{e.severity}</span> {e.program}
        </h2>
        <a href={viewHref({ q: '', centeredOnId: e.id })} className="permalink">
          Permalink
        </a>
        <button type="button" className="icon" aria-label="Close details" onClick={onClose}>
          ×
        </button>
      </header>
      <pre className="details-message">
        <Message text={message} highlighter={highlighter} />
        {long && !showAll && '…'}
      </pre>
      {long && (
        <button type="button" className="link" onClick={() => setShowAll(!showAll)}>
          {showAll ? 'Show less' : `Show all (${(e.message.length / 1024).toFixed(0)} KB)`}
        </button>
      )}
      <dl className="details-grid">
        <dt>Received</dt>
        <dd>{fullTime(e.received_at, zone)}</dd>
        <dt>Generated</dt>
        <dd>{fullTime(e.generated_at, zone)}</dd>
        <dt>Sender</dt>
        <dd>
          <a href={pivotHref(e, 'sender')} onClick={(ev) => onPivot(ev, e, 'sender')}>
            {e.source_name}
          </a>{' '}
          <span className="muted">
            #{e.source_id} · {e.source_ip}
          </span>
        </dd>
        <dt>Hostname</dt>
        <dd>{e.hostname}</dd>
        <dt>Program</dt>
        <dd>
          <a href={pivotHref(e, 'program')} onClick={(ev) => onPivot(ev, e, 'program')}>
            {e.program}
          </a>
        </dd>
        <dt>Severity</dt>
        <dd>
          <button type="button" className="link" onClick={(ev) => onAddTerm(`severity:${e.severity.toLowerCase()}`, ev.altKey)}>
            {e.severity}
          </button>
        </dd>
        <dt>Facility</dt>
        <dd>
          <button type="button" className="link" onClick={(ev) => onAddTerm(`facility:${e.facility.toLowerCase()}`, ev.altKey)}>
            {e.facility}
          </button>
        </dd>
        <dt>Id</dt>
        <dd className="mono">{e.id}</dd>
        {e.flags.length > 0 && (
          <>
            <dt>Flags</dt>
            <dd>
              {e.flags.map((f) => (
                <span key={f} className="flag">
                  {f}
                </span>
              ))}
            </dd>
          </>
        )}
      </dl>
      {fieldEntries.length > 0 && (
        <>
          <h3>Fields</h3>
          <table className="fields">
            <tbody>
              {fieldEntries.map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td>
                    <button type="button" className="link mono" title="Add to the search (Alt: exclude)" onClick={(ev) => onAddTerm(quoteValue(`${k}=${v}`), ev.altKey)}>
                      {v === '' ? '(empty)' : v}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>Context from {e.source_name}</h3>
      {contextError && <p className="muted small">{contextError}</p>}
      {context && (
        <ol className="context">
          {context.events.map((c) => (
            <li key={c.id} className={c.id === e.id ? 'current' : undefined}>
              <button type="button" className="context-line" onClick={() => onOpenEvent(c.id)} title="Open this event in its context">
                <span className="c-time">{streamTime(c.received_at, zone)}</span> <span className="c-program">{c.program}:</span> <Message text={c.message.slice(0, 500)} highlighter={highlighter} />
              </button>
            </li>
          ))}
        </ol>
      )}
      <details className="raw">
        <summary>Line</summary>
        <p className="muted small">
          As RFC 5424, rebuilt from the stored fields (the bytes as received are not kept; a line that could not be parsed is kept whole). <CopyButton text={syslogLine(e)} what="line" />
        </p>
        <pre>{syslogLine(e)}</pre>
      </details>
      <details className="raw">
        <summary>JSON</summary>
        <pre>{JSON.stringify(e, null, 2)}</pre>
      </details>
    </section>
  );
}
