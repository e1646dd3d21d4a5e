// WS /api/v1/tail (DESIGN 4): adapts a WebSocket to the tail hub. Authentication happened in the
// auth guard before the upgrade (cookie, token header, or ?token= since browsers cannot set
// WebSocket headers; a refused upgrade is a 401 and a security event). Here: parse the search
// parameters, open the tail, and keep the socket's own buffer bounded.
//
//   close code  when                                       a client should
//   1008        bad parameters, too many tails,            show the error, not retry
//               credentials revoked or expired meanwhile
//   1011        the server failed while sending            retry with min_id
//   1001        the server is shutting down                retry with min_id
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { TailError, TailParams } from '../../../shared/api.ts';
import { AppError, appError } from '../../errors.ts';
import { credentialsStillValid } from '../auth.ts';
import type { Logger } from '../../log.ts';
import type { Store } from '../../store/index.ts';
import { timeBoundsToIds } from '../../store/search.ts';
import { encodeTailOut, type TailHub, type TailSink } from '../../tail/hub.ts';
import { openTail, TAIL_BACKFILL_MAX } from '../../tail/session.ts';
import { parseScope } from '../../query/scope.ts';
import { intParam } from './events.ts';

// Bytes the socket may hold unsent (ws's queue plus the kernel's): above it nothing more is
// written and the hub's queue takes over (dropping the oldest), so a stalled client costs at most
// this plus TAIL_QUEUE_BYTES_MAX, never an unbounded socket buffer.
export const TAIL_SOCKET_BUFFER_MAX = 1024 * 1024;
// Ping idle and stalled peers: a half-open connection is closed within two intervals and frees
// its slot of TAILS_PER_USER_MAX; proxies that close quiet WebSockets after 60 s see traffic.
export const TAIL_PING_MS = 30_000;
// Clients send nothing on a tail; a frame bigger than this closes the socket (ws maxPayload).
export const TAIL_CLIENT_MESSAGE_MAX = 4096;

// A tail outlives the request that opened it: its token or session is checked again this often,
// so that revoking a token, signing out or removing a user also ends the tails they had open.
export const TAIL_RECHECK_MS = 5_000;

export const CLOSE_REFUSED = 1008;
export const CLOSE_FAILED = 1011;
export const CLOSE_GOING_AWAY = 1001;

export interface TailRouteOptions {
  store: Store;
  hub: TailHub;
  log: Logger;
  now: () => number;
}

function refuse(socket: WebSocket, message: string): void {
  socket.send(JSON.stringify({ type: 'error', message } satisfies TailError));
  socket.close(CLOSE_REFUSED, 'refused');
}

export async function tailRoutes(app: FastifyInstance, opts: TailRouteOptions): Promise<void> {
  app.get<{ Querystring: TailParams }>('/api/v1/tail', { websocket: true }, (socket, request) => {
    const principal = request.principal;
    if (!principal) throw new Error('BUG: tail route reached without a principal');
    let parsed;
    try {
      const p = request.query;
      const scope = parseScope(opts.store, p);
      // min_time (Unix seconds, as search's) is a resume point too: the later of the two wins.
      const fromTime = timeBoundsToIds(intParam('min_time', p.min_time)).minId;
      const fromId = intParam('min_id', p.min_id);
      const minId = fromId === undefined && fromTime === undefined ? undefined : Math.max(fromId ?? -1, fromTime ?? -1);
      const backfill = intParam('backfill', p.backfill) ?? 0;
      if (backfill > TAIL_BACKFILL_MAX) throw appError('BAD_REQUEST', `backfill: at most ${TAIL_BACKFILL_MAX}`);
      parsed = { params: { q: p.q, system_id: p.system_id, group_id: p.group_id }, scope, minId, backfill };
    } catch (e) {
      if (e instanceof AppError) return refuse(socket, e.message);
      throw e;
    }

    const sink: TailSink = {
      ready: () => socket.readyState === socket.OPEN && socket.bufferedAmount < TAIL_SOCKET_BUFFER_MAX,
      send: (m) => socket.send(encodeTailOut(m), { binary: false }), // JSON text frames
    };
    const tail = openTail({ store: opts.store, hub: opts.hub, now: opts.now }, { owner: `user:${principal.user.id}`, ...parsed, sink });
    if (!tail.ok) return refuse(socket, tail.message);
    const sub = tail.subscription;

    let alive = true;
    socket.on('pong', () => (alive = true));
    const ping = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, TAIL_PING_MS);
    const recheck = setInterval(() => {
      if (credentialsStillValid(opts.store, principal, opts.now())) return;
      opts.log.info(`live tail of ${principal.user.email} closed: its ${principal.via} is no longer valid`);
      refuse(socket, principal.via === 'token' ? 'this API token is no longer valid (revoked, or its user removed)' : 'your session has ended: sign in again');
    }, TAIL_RECHECK_MS);
    socket.on('close', () => {
      clearInterval(ping);
      clearInterval(recheck);
      sub.close();
    });
    tail.started.catch((e: Error) => {
      opts.log.error(`live tail of ${principal.user.email}: cannot send stored events: ${e.stack ?? e.message}`);
      if (socket.readyState === socket.OPEN) {
        socket.send(JSON.stringify({ type: 'error', message: 'internal error: see the server log' } satisfies TailError));
        socket.close(CLOSE_FAILED, 'internal error');
      }
    });
  });
}

/** For @fastify/websocket's preClose: tell every client the server is going away (they resume later). */
export function closeAllTails(clients: Iterable<WebSocket>): void {
  for (const client of clients) client.close(CLOSE_GOING_AWAY, 'server shutting down');
}
