// The events screen (home, /events): search box, live control, time seek, velocity graph, the
// stream, facets and an expanded event. The address holds the view (lib/view-params.ts); data
// comes from useViewer; the rows are drawn by EventList.
import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { useLocation, useSearch } from 'wouter';
import type { Event } from '../../../shared/event.ts';
import { parse } from '../../../shared/query/parse.ts';
import { EventDetails } from '../components/EventDetails.tsx';
import { EventList } from '../components/EventList.tsx';
import { Facets } from '../components/Facets.tsx';
import { QueryBox } from '../components/QueryBox.tsx';
import { SaveSearchDialog } from '../components/SaveSearchDialog.tsx';
import { SeekBox } from '../components/SeekBox.tsx';
import { ShortcutsDialog } from '../components/ShortcutsDialog.tsx';
import { Velocity } from '../components/Velocity.tsx';
import { useKeyBindings } from '../hooks/useKeyBindings.ts';
import { useViewer } from '../hooks/useViewer.ts';
import { highlighter as makeHighlighter } from '../lib/highlight.ts';
import { count } from '../lib/count.ts';
import { fullTime, useZone } from '../lib/time-format.ts';
import { addTerm, attrTerm, pivotViewHref, readViewParams, viewHref, type ViewParams } from '../lib/view-params.ts';

/**
 * While following the live tail, the facets are counted again once new events arrived: a header
 * that says "7 events" under 11 shown lines reads as a bug. As often as ten times the last count
 * took, between these bounds: a small search follows within a second, while counting a busy one
 * at 10M events a day (a few hundred milliseconds of the server) costs it at most a tenth of a core.
 */
const FACETS_REFRESH_MS = { min: 1_000, max: 5_000, perCountMs: 10 };
const facetsRefreshMs = (countMs: number) => Math.min(FACETS_REFRESH_MS.max, Math.max(FACETS_REFRESH_MS.min, countMs * FACETS_REFRESH_MS.perCountMs));

/**
 * A number that grows when `value` moves on from the first one seen in this `scope` (a search, whose
 * consumers fetch anew anyway), at most once every `ms` and never leaving the last change uncounted.
 * While `value` is undefined (paused) nothing is counted; what changed meanwhile is, once it is back.
 */
function useThrottledChanges(scope: string, value: string | undefined, ms: number): number {
  const [tick, setTick] = useState(0);
  const counted = useRef<{ scope: string; value?: string; at: number }>({ scope, at: Date.now() });
  useEffect(() => {
    if (scope !== counted.current.scope) counted.current = { scope, at: Date.now() };
    const c = counted.current;
    if (value === undefined || value === c.value) return;
    if (c.value === undefined) {
      c.value = value; // the search's first page: what its consumers fetched with
      return;
    }
    const timer = setTimeout(() => {
      counted.current = { scope, value, at: Date.now() };
      setTick((t) => t + 1);
    }, Math.max(0, c.at + ms - Date.now()));
    return () => clearTimeout(timer);
  }, [scope, value, ms]);
  return tick;
}

export function EventsPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const view = useMemo(() => readViewParams(search), [search]);
  const viewer = useViewer(view);
  const zone = useZone();
  const [selectedId, setSelectedId] = useState<string>();
  const [expandedId, setExpandedId] = useState<string>();
  const [dialog, setDialog] = useState<'save' | 'shortcuts'>();
  const [topTime, setTopTime] = useState<string>();
  const [facetsOpen, setFacetsOpen] = useState(() => matchMedia('(min-width: 900px)').matches);
  const searchInput = useRef<HTMLInputElement>(null);
  const pauseReason = useRef<'scroll' | 'select' | 'button'>(undefined);

  const ast = useMemo(() => {
    const r = parse(view.q);
    return r.ok ? r.ast : undefined;
  }, [view.q]);
  const highlighter = useMemo(() => makeHighlighter(ast), [ast]);
  const go = useCallback((next: Partial<ViewParams>, opts: { keepRange?: boolean } = {}) => {
    const base: ViewParams = opts.keepRange ? { ...view, centeredOnId: undefined } : { q: view.q, systemId: view.systemId, groupId: view.groupId };
    navigate(viewHref({ ...base, ...next }));
  }, [view, navigate]);

  const events = viewer.buffer.events;
  const [facetsEveryMs, setFacetsEveryMs] = useState(FACETS_REFRESH_MS.max);
  const onFacetsCounted = useCallback((ms: number) => setFacetsEveryMs(facetsRefreshMs(ms)), []);
  const facetsTick = useThrottledChanges(search, viewer.following ? events.at(-1)?.id : undefined, facetsEveryMs);
  const expanded = expandedId ? events.find((e) => e.id === expandedId) : undefined;
  const indexOf = (id: string | undefined) => (id ? events.findIndex((e) => e.id === id) : -1);

  const pivotHref = useCallback((e: Event, attribute: 'sender' | 'program') => pivotViewHref(attribute, attribute === 'sender' ? e.source_name : e.program, e.id), []);
  const onPivot = useCallback(
    (ev: MouseEvent, e: Event, attribute: 'sender' | 'program') => {
      ev.preventDefault();
      ev.stopPropagation();
      const term = attrTerm(attribute, attribute === 'sender' ? e.source_name : e.program);
      // Papertrail's pivots: the events around this moment from the same sender/program; Alt keeps the query.
      navigate(viewHref({ q: ev.altKey ? addTerm(view.q, term) : term, centeredOnId: e.id }));
    },
    [navigate, view.q],
  );
  // Stable, like the other props of the stream's rows: a row re-renders only when its own props change.
  const selectRow = useCallback((id: string) => {
    setSelectedId(id);
    setExpandedId((open) => (open === id ? undefined : id));
  }, []);
  const addToQuery = (term: string, exclude: boolean) => go({ q: addTerm(view.q, exclude ? `-${term}` : term) }, { keepRange: true });
  const pause = (reason: 'scroll' | 'select' | 'button') => {
    pauseReason.current = reason;
    viewer.pause();
  };
  const resume = () => {
    pauseReason.current = undefined;
    if (viewer.live) viewer.resume();
    else go({}); // leave the seek or permalink: back to the live stream of the same search
  };
  const openContext = (e: Event | undefined) => e && navigate(pivotHref(e, 'sender'));

  useKeyBindings({
    '/': () => searchInput.current?.focus(),
    Escape: () => {
      if (document.activeElement === searchInput.current) return;
      if (expandedId) setExpandedId(undefined);
      else if (selectedId) setSelectedId(undefined);
    },
    j: () => {
      const i = indexOf(selectedId);
      const next = events[i < 0 ? events.length - 1 : Math.min(i + 1, events.length - 1)];
      if (next) {
        setSelectedId(next.id);
        if (expandedId) setExpandedId(next.id);
      }
    },
    k: () => {
      const i = indexOf(selectedId);
      const prev = events[i < 0 ? events.length - 1 : Math.max(i - 1, 0)];
      if (prev) {
        if (viewer.following) pause('button');
        setSelectedId(prev.id);
        if (expandedId) setExpandedId(prev.id);
      }
    },
    Enter: () => selectedId && setExpandedId(expandedId === selectedId ? undefined : selectedId),
    c: () => openContext(events[indexOf(selectedId)]),
    '?': () => setDialog('shortcuts'),
    Space: () => (viewer.following ? pause('button') : resume()),
    g: () => {
      if (viewer.following) pause('button');
      setSelectedId(events[0]?.id);
    },
    G: () => resume(),
  });

  const paused = !viewer.following;
  const unseen = viewer.buffer.unseen;
  const liveLabel = paused ? 'Resume' : 'Pause';
  const scopeLabel = view.systemId ? `system ${view.systemId}` : view.groupId ? `group ${view.groupId}` : undefined;

  return (
    <div className="events-page">
      <div className="toolbar">
        <QueryBox value={view.q} serverError={viewer.error} onSearch={(q) => go({ q, minTime: view.minTime, maxTime: view.maxTime })} inputRef={searchInput} />
        <SeekBox utc={zone === 'utc'} onSeek={(t) => go({ maxTime: t, minTime: undefined })} />
        <button type="button" className={paused ? 'primary live-btn' : 'live-btn'} onClick={() => (paused ? resume() : pause('button'))} aria-label={liveLabel} title={paused ? 'Jump to the newest line and follow it (Space)' : 'Freeze the stream (Space)'}>
          {paused ? '▶ Resume' : '❚❚ Pause'}
        </button>
        <button type="button" className="secondary" onClick={() => setDialog('save')}>
          Save search
        </button>
        <button type="button" className="icon hide-narrow" aria-label="Show facets" aria-pressed={facetsOpen} onClick={() => setFacetsOpen(!facetsOpen)} title="Facets">
          ☰
        </button>
      </div>
      <div className="statusbar" aria-live="polite">
        {scopeLabel && (
          <span className="chip">
            {scopeLabel}{' '}
            <button type="button" className="link" aria-label="Search every system" onClick={() => navigate(viewHref({ q: view.q, minTime: view.minTime, maxTime: view.maxTime }))}>
              ×
            </button>
          </span>
        )}
        {(view.minTime !== undefined || view.maxTime !== undefined) && (
          <span className="chip">
            {view.minTime !== undefined ? fullTime(new Date(view.minTime * 1000).toISOString(), zone).replace(/\.\d{3}/, '') : 'beginning'} →{' '}
            {view.maxTime !== undefined ? fullTime(new Date(view.maxTime * 1000).toISOString(), zone).replace(/\.\d{3}/, '') : 'now'}{' '}
            <button type="button" className="link" aria-label="Clear the time range" onClick={() => go({})}>
              ×
            </button>
          </span>
        )}
        {viewer.live && !paused && <span className={`live-dot ${viewer.tailStatus}`}>{viewer.tailStatus === 'live' ? 'Live' : viewer.tailStatus === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}</span>}
        {paused && viewer.live && (
          <span className="paused">
            Paused — {count(unseen)} new {viewer.buffer.hasNewer && <span className="muted">(resume reloads the newest)</span>}
          </span>
        )}
        {!viewer.live && <span className="paused">{view.centeredOnId ? 'Showing one event in its context' : 'Showing events up to the seek time'} — live tail off</span>}
        {viewer.partial && <span className="warn">The search took too long and shows partial results</span>}
        <span className="muted small right">{count(events.length)} loaded</span>
      </div>
      <Velocity view={view} live={viewer.live} onLive={viewer.onLive} markerIso={topTime} utc={zone === 'utc'} onRange={(minTime, maxTime) => go({ minTime, maxTime })} ready={viewer.shown} newestId={events.at(-1)?.id} />
      <div className={`viewer-body${facetsOpen ? ' with-side' : ''}${expanded ? ' with-details' : ''}`}>
        <div className="stream-wrap">
          {viewer.loading === 'first' && events.length === 0 && <div className="empty">Searching…</div>}
          {viewer.loading !== 'first' && events.length === 0 && !viewer.error && (
            <div className="empty">
              {view.q || scopeLabel ? 'No events match.' : 'No events yet. Add a log source to start (Sources).'}
              {viewer.live && ' New matches will appear here as they arrive.'}
            </div>
          )}
          <EventList
            buffer={viewer.buffer}
            following={viewer.following}
            live={viewer.live}
            loadingOlder={viewer.loading === 'older'}
            selectedId={selectedId}
            centeredId={view.centeredOnId}
            highlighter={highlighter}
            zone={zone}
            onSelect={selectRow}
            onPause={pause}
            onBottom={() => pauseReason.current === 'scroll' && resume()}
            onPivot={onPivot}
            pivotHref={pivotHref}
            loadOlder={viewer.loadOlder}
            loadNewer={viewer.loadNewer}
            onTopTime={setTopTime}
          />
        </div>
        {expanded ? (
          <EventDetails
            event={expanded}
            highlighter={highlighter}
            zone={zone}
            onClose={() => setExpandedId(undefined)}
            onAddTerm={addToQuery}
            onPivot={onPivot}
            pivotHref={pivotHref}
            onOpenEvent={(id) => navigate(viewHref({ q: view.q, systemId: view.systemId, groupId: view.groupId, centeredOnId: id }))}
          />
        ) : (
          facetsOpen && <Facets view={view} refreshKey={facetsTick} ready={viewer.shown} onNarrow={addToQuery} onCounted={onFacetsCounted} />
        )}
      </div>
      {dialog === 'save' && <SaveSearchDialog query={view.q} groupId={view.groupId} onClose={() => setDialog(undefined)} />}
      {dialog === 'shortcuts' && <ShortcutsDialog onClose={() => setDialog(undefined)} />}
    </div>
  );
}
