// The velocity graph (DESIGN 7: named "Velocity"): matches per bucket for the current query and
// range, drawn by uPlot. While tailing, the live events are counted into the newest bar at once
// (and a new bar starts each minute); dragging across it narrows the search to that range; a
// marker shows the time at the top of the stream.
import { useEffect, useMemo, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { HistogramResponse } from '../../../shared/api.ts';
import type { Event } from '../../../shared/event.ts';
import { get, withQuery } from '../api/client.ts';
import { count } from '../lib/count.ts';
import { localZoneName } from '../lib/time-format.ts';
import { scopeParams, type ViewParams } from '../lib/view-params.ts';

/** uPlot's constructor, from its chunk. */
type UPlot = typeof uPlot;

const LIVE_RANGE_S = 3600; // live: the last hour, one bar a minute
const BUCKETS = 60;
const HEIGHT = 72;

interface Series {
  /** Bucket starts, Unix seconds. */
  t: number[];
  counts: number[];
  step: number;
}

export interface VelocityProps {
  view: ViewParams;
  live: boolean;
  /** Subscribes to live batches (useViewer.onLive). */
  onLive(listener: (events: readonly Event[]) => void): () => void;
  markerIso: string | undefined;
  utc: boolean;
  onRange(minTime: number, maxTime: number): void;
  /** The stream's first page is on screen: the bars are fetched after it, not in its way. */
  ready: boolean;
  /**
   * The newest event the stream holds. While live, the server counts the events up to it and the
   * graph counts the later ones as the tail brings them: each once, whatever arrives meanwhile.
   */
  newestId: string | undefined;
}

/** A live graph's two counts for one search: the server's, up to `throughId`, then the tail's. */
interface LiveCount {
  key: string;
  throughId?: bigint;
  /** Live events that arrived before the server's count: counted when it lands, those after `throughId`. */
  early?: Event[];
}

/** Empty buckets draw no bar at all (uPlot draws a hairline for 0). */
const bars = (counts: number[]) => counts.map((c) => (c === 0 ? null : c));

const pad = (n: number) => String(n).padStart(2, '0');
/** 24-hour axis labels, with the date where ticks are a day or more apart. */
function axisTime(t: number, incr: number, utc: boolean): string {
  const d = new Date(t * 1000);
  const [mo, da, h, mi] = utc ? [d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()] : [d.getMonth(), d.getDate(), d.getHours(), d.getMinutes()];
  return incr >= 86_400 ? `${pad(mo + 1)}-${pad(da)}` : `${pad(h)}:${pad(mi)}`;
}

/**
 * Resolves in a task after the one that loaded Intl's data. uPlot's module makes an
 * Intl.NumberFormat and reads Intl's time zone as it loads, and a page's first Intl use loads ICU's
 * data (28-50 ms): done in a task of its own, loading uPlot is two tasks of tens of ms, not one
 * of over 100 (bench/ui-uninstrumented.ts).
 */
function intlLoaded(): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(() => {
      new Intl.NumberFormat();
      localZoneName();
      setTimeout(resolve);
    }),
  );
}

export function Velocity({ view, live, onLive, markerIso, utc, onRange, ready, newestId }: VelocityProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const series = useRef<Series>({ t: [], counts: [], step: 60 });
  const marker = useRef<number | undefined>(undefined);
  const [total, setTotal] = useState<number>();
  const [error, setError] = useState('');
  const onRangeRef = useRef(onRange);
  onRangeRef.current = onRange;
  const key = JSON.stringify([scopeParams(view), view.minTime, view.maxTime, live]);
  const newest = useRef(newestId);
  newest.current = newestId;
  const liveCount = useRef<LiveCount>({ key, early: [] });
  /** This search's LiveCount (a new search starts gathering early events). */
  const liveCountFor = (k: string) => {
    if (liveCount.current.key !== k) liveCount.current = { key: k, early: [] };
    return liveCount.current;
  };

  const redraw = () => {
    const s = series.current;
    plot.current?.setData([s.t, bars(s.counts)], true);
    setTotal(s.counts.reduce((a, b) => a + b, 0));
  };

  // Fetch the bars for this query and range.
  useEffect(() => {
    if (!ready) return;
    const abort = new AbortController();
    const maxS = view.maxTime ?? Math.ceil(Date.now() / 1000);
    const minS = view.minTime ?? maxS - LIVE_RANGE_S;
    const span = Math.max(maxS - minS, BUCKETS);
    // Whole minutes while live, so that the live count lands in the same bars as the server's.
    const step = live && !view.minTime ? 60 : Math.max(1, Math.ceil(span / BUCKETS));
    const start = live && !view.minTime ? Math.floor(minS / 60) * 60 + 60 : minS;
    const end = live && !view.minTime ? Math.floor(maxS / 60) * 60 + 60 : maxS;
    const buckets = Math.max(1, Math.round((end - start) / step));
    const counted = liveCountFor(key);
    counted.throughId = live && !view.minTime && newest.current !== undefined ? BigInt(newest.current) : undefined;
    counted.early ??= [];
    const maxId = counted.throughId === undefined ? undefined : String(counted.throughId + 1n);
    get<HistogramResponse>(withQuery('/api/v1/events/histogram.json', { ...scopeParams(view), min_time: start, max_time: end, buckets, max_id: maxId }), abort.signal)
      .then((h) => {
        series.current = { t: h.buckets.map((b) => b.t), counts: h.buckets.map((b) => b.count), step };
        setError(h.reached_time_limit ? 'partial: the count took too long' : '');
        const early = counted.early ?? [];
        counted.early = undefined;
        countLive(counted, early);
        redraw();
      })
      .catch((e: Error) => {
        if (abort.signal.aborted) return;
        setError(e.message);
        counted.early = undefined; // no bars to count them into: keep none
      });
    return () => abort.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, ready]);

  /** Counts live events after the server's count into their bars, starting new bars as minutes pass. */
  const countLive = (counted: LiveCount, events: readonly Event[]) => {
    const s = series.current;
    if (s.t.length === 0) return;
    for (const e of events) {
      if (counted.throughId !== undefined && BigInt(e.id) <= counted.throughId) continue; // in the server's count
      const t = Math.floor(Date.parse(e.received_at) / 1000);
      while (t >= s.t.at(-1)! + s.step) {
        s.t.push(s.t.at(-1)! + s.step);
        s.counts.push(0);
        if (!view.minTime) {
          s.t.shift();
          s.counts.shift();
        }
      }
      const i = Math.floor((t - s.t[0]!) / s.step);
      if (i >= 0 && i < s.counts.length) s.counts[i]! += 1;
    }
  };

  // Live: arriving events are counted once the server's count is in, and kept until then.
  useEffect(() => {
    if (!live) return;
    return onLive((events) => {
      const counted = liveCountFor(key);
      if (counted.early) counted.early.push(...events);
      else {
        countLive(counted, events);
        redraw();
      }
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [live, onLive, key]);

  const makeChart = (uPlot: UPlot, el: HTMLDivElement) => {
    const css = getComputedStyle(document.documentElement);
    const colour = (name: string) => css.getPropertyValue(name).trim() || '#888';
    const opts: uPlot.Options = {
      width: el.clientWidth,
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      scales: { x: { time: true, range: (_u, min, max) => [min, max + series.current.step] }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
      tzDate: (ts) => (utc ? uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') : new Date(ts * 1000)),
      axes: [
        { stroke: colour('--muted'), grid: { show: false }, ticks: { stroke: colour('--border') }, size: 22, font: '11px system-ui', values: (_u, splits, _ax, _space, incr) => splits.map((t) => axisTime(t, incr, utc)) },
        { stroke: colour('--muted'), grid: { stroke: colour('--border'), width: 1 }, ticks: { show: false }, size: 40, font: '11px system-ui', splits: (_u, _i, _min, max) => [0, Math.round(max / 1.1)] },
      ],
      series: [
        {},
        {
          label: 'matches',
          fill: colour('--accent-soft'),
          stroke: colour('--accent'),
          width: 1,
          paths: uPlot.paths.bars!({ size: [0.85, 64], align: 1 }),
          points: { show: false },
        },
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 3) return;
            const min = Math.floor(u.posToVal(u.select.left, 'x'));
            const max = Math.ceil(u.posToVal(u.select.left + u.select.width, 'x'));
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            if (max > min) onRangeRef.current(min, max);
          },
        ],
        draw: [
          (u) => {
            if (marker.current === undefined) return;
            const x = Math.round(u.valToPos(marker.current, 'x', true));
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            u.ctx.save();
            u.ctx.strokeStyle = colour('--marker');
            u.ctx.lineWidth = 2;
            u.ctx.beginPath();
            u.ctx.moveTo(x, u.bbox.top);
            u.ctx.lineTo(x, u.bbox.top + u.bbox.height);
            u.ctx.stroke();
            u.ctx.restore();
          },
        ],
      },
    };
    const s = series.current;
    plot.current = new uPlot(opts, [s.t, bars(s.counts)], el);
  };

  // The chart itself, made once per size, from when the first page is on screen (uPlot is a chunk
  // of its own, loaded then: it is not in the way of the page's first script or its first page).
  const [wanted, setWanted] = useState(false);
  if (ready && !wanted) setWanted(true);
  useEffect(() => {
    const el = box.current;
    if (!el || !wanted) return;
    let resize: ResizeObserver | undefined;
    let gone = false;
    void intlLoaded()
      .then(() => import('uplot'))
      .then(({ default: uPlot }) => {
        if (gone) return;
        makeChart(uPlot, el);
        resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: HEIGHT }));
        resize.observe(el);
      });
    return () => {
      gone = true;
      resize?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [utc, wanted]);

  useEffect(() => {
    marker.current = markerIso ? Date.parse(markerIso) / 1000 : undefined;
    plot.current?.redraw(false, false);
  }, [markerIso]);

  const label = useMemo(() => (total === undefined ? 'Velocity: loading' : `Velocity: ${count(total)} matches in the range shown`), [total]);
  return (
    <figure className="velocity" aria-label="Velocity" role="img" title="Matches over time; drag across to narrow the range">
      <div ref={box} className="velocity-plot" aria-hidden="true" />
      <figcaption className="velocity-caption">
        {total === undefined ? '…' : `${count(total)} matches`}
        {error && <span className="warn"> · {error}</span>}
        <span className="sr-only">{label}</span>
      </figcaption>
    </figure>
  );
}
