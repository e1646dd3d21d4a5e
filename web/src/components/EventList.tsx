// The stream: a virtualized list of one-line rows (only the visible ones exist in the page, so
// 100,000 loaded lines scroll as smoothly as 100). Rows have one fixed height, which makes both
// the rows to draw (lib/row-window.ts) and keeping the reader's view still exact: rows added at
// the top move the scroll offset by rows × height.
import { memo, useEffect, useLayoutEffect, useRef, useState, type MouseEvent } from 'react';
import { flushSync } from 'react-dom';
import type { Event } from '../../../shared/event.ts';
import type { Highlighter } from '../lib/highlight.ts';
import { rowWindow, scrollTopFor } from '../lib/row-window.ts';
import { rowsMovedBy, type BufferState } from '../lib/tail-buffer.ts';
import { streamTimeParts } from '../lib/time-format.ts';
import { Message } from './Message.tsx';

export const ROW_HEIGHT = 20;
/** A row shows the start of a long line; the details panel shows the rest. */
const ROW_MESSAGE_CHARS = 1000;
/** Start loading the next page this many rows before the edge. */
const EDGE_ROWS = 40;
/** Rows drawn beyond the visible ones: 240 px each way, enough for a wheel step. */
const OVERSCAN = 12;

export interface EventListProps {
  buffer: BufferState;
  following: boolean;
  live: boolean;
  loadingOlder: boolean;
  selectedId: string | undefined;
  /** The permalinked event: scrolled to once and marked. */
  centeredId: string | undefined;
  highlighter: Highlighter;
  zone: 'local' | 'utc';
  onSelect(id: string): void;
  /** The reader scrolled up or selected text: freeze the view. */
  onPause(reason: 'scroll' | 'select'): void;
  /** The reader scrolled back down to the newest line after scrolling away. */
  onBottom(): void;
  onPivot(e: MouseEvent, event: Event, attribute: 'sender' | 'program'): void;
  pivotHref(event: Event, attribute: 'sender' | 'program'): string;
  loadOlder(): Promise<void>;
  loadNewer(): Promise<void>;
  /** The time of the top visible row (the velocity graph's marker). */
  onTopTime(iso: string | undefined): void;
}

export function EventList(props: EventListProps) {
  const { buffer, following, selectedId } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const events = buffer.events;
  // The scroll offset in whole rows (a re-render only when another row reaches the top), and the
  // scroller's height: the window's until the first paint, then observed (reading it while
  // mounting would force a layout of the page).
  const [topRow, setTopRow] = useState(0);
  const topRowRef = useRef(topRow);
  topRowRef.current = topRow;
  const [viewportHeight, setViewportHeight] = useState(() => window.innerHeight);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => entry && setViewportHeight(entry.contentRect.height));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  // A first page, or the rows after a jump (the scrollbar dragged, a page up), are drawn without
  // the margin rows, which matter only for the next small scroll: they follow in a task of their
  // own (a third fewer rows in the render the reader waits for).
  const [overscan, setOverscan] = useState(0);
  const hasEvents = events.length > 0;
  useEffect(() => {
    if (!hasEvents || overscan === OVERSCAN) return;
    const timer = setTimeout(() => setOverscan(OVERSCAN));
    return () => clearTimeout(timer);
  }, [hasEvents, overscan]);
  // Rows added above the reader's (an older page) or let go from the top (the cap): the reader's
  // row moves by as many in the same render, and the scroll offset with it before the paint. (Set
  // after the new rows were drawn, the offset would draw the window twice: first the rows now at
  // the old offset, then the reader's again, each a full window of new rows.)
  const [shown, setShown] = useState({ buffer, moved: 0 });
  if (shown.buffer !== buffer) {
    const moved = following ? 0 : rowsMovedBy(shown.buffer, buffer);
    setShown({ buffer, moved });
    if (moved !== 0) setTopRow(Math.max(0, topRow + moved));
  }
  useLayoutEffect(() => {
    if (shown.moved !== 0 && scroller.current) scroller.current.scrollTop += shown.moved * ROW_HEIGHT;
  }, [shown]);
  const drawn = rowWindow({ count: events.length, rowHeight: ROW_HEIGHT, scrollTop: topRow * ROW_HEIGHT, viewportHeight, overscan, atEnd: following });
  const scrollToIndex = (index: number, align: 'center' | 'nearest') => {
    const el = scroller.current;
    // The rows start below the stream's edge line ("Beginning of the results"), one row high.
    if (el) el.scrollTop = scrollTopFor(index, align, { rowHeight: ROW_HEIGHT, listTop: ROW_HEIGHT, scrollTop: el.scrollTop, viewportHeight: el.clientHeight });
  };
  const centeredDone = useRef<string | undefined>(undefined);
  const paging = useRef(false);
  const propsRef = useRef(props);
  propsRef.current = props;

  // Following: stay at the newest line as lines arrive. (An empty list has nowhere to go, and
  // setting scrollTop would force a layout of the page in the middle of its first mount.)
  useLayoutEffect(() => {
    const el = scroller.current;
    if (following && el && events.length > 0) el.scrollTop = el.scrollHeight;
  }, [following, buffer.version, events.length]);

  // A permalink: bring its event to the middle once.
  useLayoutEffect(() => {
    const id = props.centeredId;
    if (!id || centeredDone.current === id) return;
    const i = events.findIndex((e) => e.id === id);
    if (i < 0) return;
    centeredDone.current = id;
    scrollToIndex(i, 'center');
  }, [props.centeredId, events]);

  // j/k: keep the selected row in view.
  useEffect(() => {
    if (!selectedId) return;
    const i = events.findIndex((e) => e.id === selectedId);
    if (i >= 0) scrollToIndex(i, 'nearest');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedId]);

  // Text selected inside the stream freezes it, so the selection does not scroll away.
  useEffect(() => {
    const onSelection = () => {
      const sel = document.getSelection();
      if (sel && !sel.isCollapsed && scroller.current?.contains(sel.anchorNode)) propsRef.current.onPause('select');
    };
    document.addEventListener('selectionchange', onSelection);
    return () => document.removeEventListener('selectionchange', onSelection);
  }, []);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const p = propsRef.current;
    const fromBottom = el.scrollHeight - el.scrollTop - el.clientHeight;
    if (p.live && p.following && fromBottom > ROW_HEIGHT * 2) p.onPause('scroll');
    else if (p.live && !p.following && fromBottom <= 2 && !p.buffer.hasNewer) p.onBottom();
    const top = Math.floor(el.scrollTop / ROW_HEIGHT);
    // Drawn in this event, as the rows scroll in (not a frame later, with blank rows meanwhile);
    // while following, the rows drawn are the last ones whatever the offset.
    if (p.following) setTopRow(top);
    else
      flushSync(() => {
        if (Math.abs(top - topRowRef.current) > OVERSCAN) setOverscan(0);
        setTopRow(top);
      });
    p.onTopTime(p.buffer.events[Math.min(top, p.buffer.events.length - 1)]?.received_at);
    if (paging.current) return;
    const more = top < EDGE_ROWS && p.buffer.hasOlder ? p.loadOlder : fromBottom < EDGE_ROWS * ROW_HEIGHT && p.buffer.hasNewer && !p.live ? p.loadNewer : undefined;
    if (more) {
      paging.current = true;
      void more().then(() => (paging.current = false));
    }
  };

  return (
    <div className="stream" ref={scroller} onScroll={onScroll} role="log" aria-label="Events" aria-live="off" tabIndex={-1}>
      {events.length > 0 && (buffer.hasOlder || props.loadingOlder) && <div className="stream-edge">{props.loadingOlder ? 'Loading older events…' : 'Scroll up for older events'}</div>}
      {events.length > 0 && !buffer.hasOlder && !props.loadingOlder && <div className="stream-edge">Beginning of the results</div>}
      {/* Until the first page arrives, one invisible row in every row style: the browser loads the
          stream's fonts (the bold one too) while it waits for the search, not when the page
          arrives (the first page's layout measured 24-30 ms instead of 18 without it). */}
      {events.length === 0 && (
        <div className="row sev-info" aria-hidden="true" style={{ visibility: 'hidden' }}>
          <time className="c-time">
            <span className="c-date">May 30 </span>16:24:40{' '}
          </time>
          <a className="c-sender">warm </a>
          <a className="c-program">up: </a>
          warm up <mark>warm</mark>
        </div>
      )}
      <div style={{ height: events.length * ROW_HEIGHT, position: 'relative' }}>
        {events.slice(drawn.start, drawn.end).map((e, i) => (
          <Row
            key={e.id}
            event={e}
            top={(drawn.start + i) * ROW_HEIGHT}
            selected={e.id === selectedId}
            centered={e.id === props.centeredId}
            highlighter={props.highlighter}
            zone={props.zone}
            onSelect={props.onSelect}
            onPivot={props.onPivot}
            pivotHref={props.pivotHref}
          />
        ))}
      </div>
    </div>
  );
}

interface RowProps {
  event: Event;
  top: number;
  selected: boolean;
  centered: boolean;
  highlighter: Highlighter;
  zone: 'local' | 'utc';
  onSelect(id: string): void;
  onPivot(e: MouseEvent, event: Event, attribute: 'sender' | 'program'): void;
  pivotHref(event: Event, attribute: 'sender' | 'program'): string;
}

const Row = memo(function Row({ event: e, top, selected, centered, highlighter, zone, onSelect, onPivot, pivotHref }: RowProps) {
  const [date, time] = streamTimeParts(e.received_at, zone);
  const message = e.message.length > ROW_MESSAGE_CHARS ? e.message.slice(0, ROW_MESSAGE_CHARS) : e.message;
  return (
    <div
      className={`row sev-${e.severity.toLowerCase()}${selected ? ' selected' : ''}${centered ? ' centered' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      data-event-id={e.id}
      aria-selected={selected}
      onClick={(ev) => {
        // A click that ends a text selection is not a click on the row.
        if (document.getSelection()?.isCollapsed !== false) onSelect(e.id);
        ev.stopPropagation();
      }}
    >
      {/* Few nodes per row (the first page's style and layout cost grows with them): each part's
          text and the space after it are one text node, and the message is the row's own text
          (its severity colour is the row's; the other parts have colours of their own). */}
      <time className="c-time" dateTime={e.received_at}>
        <span className="c-date">{`${date} `}</span>
        {`${time} `}
      </time>
      <a className="c-sender" href={pivotHref(e, 'sender')} onClick={(ev) => onPivot(ev, e, 'sender')} title={`Events around this one from ${e.source_name} (Alt: keep the query)`}>
        {`${e.source_name} `}
      </a>
      <a className="c-program" href={pivotHref(e, 'program')} onClick={(ev) => onPivot(ev, e, 'program')} title={`Events around this one from ${e.program} (Alt: keep the query)`}>
        {`${e.program}: `}
      </a>
      <Message text={message} highlighter={highlighter} />
      {message !== e.message && <span className="cut"> … ({Math.round(e.message.length / 1024)} KB, open to show all)</span>}
    </div>
  );
});
