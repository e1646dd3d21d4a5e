// WS /api/v1/tail for the viewer: the session cookie authenticates it (same origin); messages are
// TailMessage frames (shared/api.ts). Reconnects with backoff and resumes from the last id it saw,
// so a dropped connection loses nothing; the server's `error` frame (close 1008) is final.
import type { TailMessage, TailParams } from '../../../shared/api.ts';
import type { Event } from '../../../shared/event.ts';
import { compareIds } from '../lib/tail-buffer.ts';
import { withQuery } from './client.ts';

export interface TailHandlers {
  events(events: Event[]): void;
  skipped(minId: string, maxId: string, count: number): void;
  live(): void;
  error(message: string): void;
  /** Connected / reconnecting, for the header's status dot. */
  status(state: 'connecting' | 'live' | 'reconnecting' | 'closed'): void;
}

const RECONNECT_DELAYS_MS = [500, 1000, 2000, 5000, 10_000];

export function openTail(params: Omit<TailParams, 'token'>, handlers: TailHandlers): { close(): void } {
  let lastId = params.min_id;
  let socket: WebSocket | undefined;
  let closed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // Resume after the last event seen: no gap, no repeat (DESIGN 4).
    const query = lastId ? { ...params, min_id: lastId, min_time: undefined, backfill: undefined } : params;
    socket = new WebSocket(`${scheme}://${location.host}${withQuery('/api/v1/tail', query as Record<string, string | undefined>)}`);
    handlers.status(attempt === 0 ? 'connecting' : 'reconnecting');
    socket.onmessage = (m) => {
      const msg = JSON.parse(String(m.data)) as TailMessage;
      if (msg.type === 'events') {
        const last = msg.events.at(-1);
        if (last) lastId = last.id;
        handlers.events(msg.events);
      } else if (msg.type === 'skipped') {
        // The gap is fetched separately; a reconnect resumes just below its upper bound.
        lastId = String(BigInt(msg.max_id) - 1n);
        handlers.skipped(msg.min_id, msg.max_id, msg.count);
      } else if (msg.type === 'live') {
        attempt = 0;
        // Every match with id <= last_id has been sent.
        if (!lastId || compareIds(msg.last_id, lastId) > 0) lastId = msg.last_id;
        handlers.status('live');
        handlers.live();
      } else if (msg.type === 'error') {
        closed = true;
        handlers.error(msg.message);
      }
    };
    socket.onclose = () => {
      if (closed) return handlers.status('closed');
      const delay = RECONNECT_DELAYS_MS[Math.min(attempt++, RECONNECT_DELAYS_MS.length - 1)]!;
      handlers.status('reconnecting');
      timer = setTimeout(connect, delay);
    };
  };
  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close(1000, 'viewer closed');
    },
  };
}
