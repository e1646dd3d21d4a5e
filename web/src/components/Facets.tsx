// The facets sidebar (DESIGN 7: a region named "Facets"): the top senders, programs, severities and
// logfmt field values of the current query and range, with counts; a click narrows the search.
import { useEffect, useState } from 'react';
import type { FacetsResponse } from '../../../shared/api.ts';
import { get, withQuery } from '../api/client.ts';
import { count } from '../lib/count.ts';
import { attrTerm, quoteValue, scopeParams, type ViewParams } from '../lib/view-params.ts';

const TITLES: Record<string, string> = { sender: 'Senders', program: 'Programs', severity: 'Severities', host: 'Hosts', facility: 'Facilities' };

/** The query term a facet value stands for. */
export function facetTerm(field: string, value: string): string {
  if (field.startsWith('fields.')) return quoteValue(`${field.slice('fields.'.length)}=${value}`);
  return attrTerm(field, value);
}

/**
 * `ready`: the stream's first page is on screen; the counts are fetched after it, not in its way.
 * `onCounted` hears how long each count took (the page paces its refreshes by it).
 */
export function Facets({ view, refreshKey, ready, onNarrow, onCounted }: { view: ViewParams; refreshKey: number; ready: boolean; onNarrow(term: string, exclude: boolean): void; onCounted?(ms: number): void }) {
  const [data, setData] = useState<FacetsResponse>();
  const [error, setError] = useState('');
  const key = JSON.stringify([scopeParams(view), view.minTime, view.maxTime, refreshKey]);
  useEffect(() => {
    if (!ready) return;
    const abort = new AbortController();
    setError('');
    const started = performance.now();
    get<FacetsResponse>(withQuery('/api/v1/events/facets.json', { ...scopeParams(view), min_time: view.minTime, max_time: view.maxTime, top: 8 }), abort.signal)
      .then((counted) => {
        setData(counted);
        onCounted?.(performance.now() - started);
      })
      .catch((e: Error) => !abort.signal.aborted && setError(e.message));
    return () => abort.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, ready]);

  return (
    <section className="facets" aria-label="Facets">
      <h2>
        Facets
        {data && (
          <span className="muted small" title={data.sampled ? 'Counted over the newest matches only: a busy range holds more.' : 'Counted over every match.'}>
            {' '}
            {data.sampled ? `newest ${count(data.counted)}` : `${count(data.counted)} events`}
          </span>
        )}
      </h2>
      {error && <p className="muted small">Facets unavailable: {error}</p>}
      {data?.facets
        .filter((f) => f.values.length > 0)
        .map((f) => (
          <div className="facet" key={f.field}>
            <h3>{TITLES[f.field] ?? f.field.replace(/^fields\./, '')}</h3>
            <ul>
              {f.values.map((v) => {
                const share = data.counted ? v.count / data.counted : 0;
                return (
                  <li key={v.value}>
                    <button
                      type="button"
                      className="facet-value"
                      title={`Narrow to ${facetTerm(f.field, v.value)} (Alt: exclude)`}
                      onClick={(e) => onNarrow(facetTerm(f.field, v.value), e.altKey)}
                    >
                      <span className="facet-bar" style={{ width: `${Math.max(2, share * 100)}%` }} />
                      <span className={`facet-label${f.field === 'severity' ? ` sev-${v.value.toLowerCase()}` : ''}`}>{v.value || '(empty)'}</span>
                      <span className="facet-count">{count(v.count)}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
    </section>
  );
}
