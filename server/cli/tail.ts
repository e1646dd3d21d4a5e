// `driftwood tail [-f] QUERY [--system S] [--group G] [-n N] [--json]`: a client command (DESIGN 8).
// Without -f: the newest N matches (search.json), oldest first, then exit. With -f: the same N,
// then the live stream over WS /api/v1/tail; when the connection drops it reconnects with
// exponential backoff and resumes after the last id it printed, so no line is lost or repeated.
// The server's "skipped" notices (this terminal fell behind) go to stderr with their id range.
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import type { TailMessage, TailParams } from '../../shared/api.ts';
import type { Event } from '../../shared/event.ts';
import { ApiError, commandArgs, commandConfig, search, type ClientConfig } from './client.ts';
import { formatEvent, useColor } from './format.ts';

const USAGE = 'usage: driftwood tail [-f] QUERY [--system S] [--group G] [-n N] [--json]\n';
const LINES_DEFAULT = 100; // as `driftwood search` prints by default
const LINES_MAX = 1000; // the server's TAIL_BACKFILL_MAX
// Reconnect after 0.5 s, 1 s, 2 s, … up to 30 s; a connection that got live starts over.
export const RECONNECT_FIRST_MS = 500;
export const RECONNECT_MAX_MS = 30_000;
// The server pings every 30 s: silence for longer than two pings means a dead connection.
export const SILENCE_MAX_MS = 75_000;

export interface TailOptions {
  q: string;
  system?: string;
  group?: string;
  lines: number;
  json: boolean;
  color: boolean;
}

export async function tailCommand(argv: string[]): Promise<number> {
  const args = commandArgs('tail', USAGE, () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        follow: { type: 'boolean', short: 'f', default: false },
        system: { type: 'string' },
        group: { type: 'string' },
        lines: { type: 'string', short: 'n', default: String(LINES_DEFAULT) },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if ('exit' in args) return args.exit;
  const lines = Number(args.values.lines);
  if (!Number.isInteger(lines) || lines < 0 || lines > LINES_MAX) {
    process.stderr.write(`driftwood tail: -n "${args.values.lines}" is not a whole number from 0 to ${LINES_MAX}\n`);
    return 2;
  }
  const config = commandConfig('tail');
  if (!config) return 2;
  const opts: TailOptions = {
    q: args.positionals.join(' '),
    system: args.values.system,
    group: args.values.group,
    lines,
    json: args.values.json,
    color: useColor(process.stdout, args.values.json, process.env),
  };
  if (!args.values.follow) return printNewest(config, opts);
  return follow(config, opts);
}

function render(e: Event, opts: TailOptions): string {
  return opts.json ? `${JSON.stringify(e)}\n` : `${formatEvent(e, opts.color)}\n`;
}

async function printNewest(config: ClientConfig, opts: TailOptions): Promise<number> {
  if (opts.lines === 0) return 0;
  try {
    const page = await search(config, { q: opts.q, system_id: opts.system, group_id: opts.group, limit: String(opts.lines) });
    process.stdout.write(page.events.map((e) => render(e, opts)).join(''));
    return 0;
  } catch (e) {
    if (e instanceof ApiError) {
      process.stderr.write(`driftwood tail: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

type Outcome = { kind: 'retry'; reason: string; wentLive: boolean } | { kind: 'fatal'; message: string } | { kind: 'stopped' };

const larger = (a: string | undefined, b: string) => (a === undefined || BigInt(b) > BigInt(a) ? b : a);

/** The WS URL of a tail: resume after `lastId` when known, else the newest `lines` first. */
export function tailUrlFor(config: ClientConfig, opts: TailOptions, lastId: string | undefined): string {
  const params: TailParams = { q: opts.q };
  if (opts.system) params.system_id = opts.system;
  if (opts.group) params.group_id = opts.group;
  if (lastId !== undefined) params.min_id = lastId;
  else if (opts.lines > 0) params.backfill = String(opts.lines);
  return `${config.url.replace(/^http/, 'ws')}/api/v1/tail?${new URLSearchParams(params as Record<string, string>)}`;
}

async function follow(config: ClientConfig, opts: TailOptions): Promise<number> {
  let lastId: string | undefined;
  let current: WebSocket | undefined;
  let stopped = false;
  let wake = () => {};
  const stop = () => {
    stopped = true;
    current?.close(1000);
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.on('error', stop); // e.g. EPIPE when piped into `head`

  let delay = RECONNECT_FIRST_MS;
  for (;;) {
    const outcome = await new Promise<Outcome>((resolve) => {
      const ws = new WebSocket(tailUrlFor(config, opts, lastId), { headers: { authorization: `Bearer ${config.token}` } });
      current = ws;
      let wentLive = false;
      let fatal: string | undefined;
      let failure = '';
      let silence: NodeJS.Timeout | undefined;
      const heard = () => {
        clearTimeout(silence);
        silence = setTimeout(() => ws.terminate(), SILENCE_MAX_MS);
      };
      ws.on('open', heard);
      ws.on('ping', heard);
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          let message = res.statusMessage ?? '';
          try {
            message = (JSON.parse(body) as { message?: string }).message ?? message;
          } catch {
            // not JSON: keep the status text
          }
          const status = res.statusCode ?? 0;
          // 4xx will not get better by retrying (bad token, no such route); 5xx and 429 may.
          if (status >= 400 && status < 500 && status !== 429) fatal = `${status} from ${config.url}: ${message}`;
          else failure = `${status} from ${config.url}: ${message}`;
          ws.terminate();
        });
      });
      ws.on('error', (e) => (failure ||= (e as Error & { code?: string }).code ?? e.message));
      ws.on('message', (data) => {
        heard();
        const m = JSON.parse(data.toString()) as TailMessage;
        switch (m.type) {
          case 'events': {
            const ok = process.stdout.write(m.events.map((e) => render(e, opts)).join(''));
            lastId = m.events.at(-1)?.id ?? lastId;
            // A slow terminal or pipe: stop reading, so the server skips rather than we buffer.
            if (!ok) {
              ws.pause();
              process.stdout.once('drain', () => ws.resume());
            }
            break;
          }
          case 'live':
            wentLive = true;
            lastId = larger(lastId, m.last_id);
            break;
          case 'skipped':
            process.stderr.write(
              `driftwood tail: skipped ${m.count} events here (this terminal fell behind); they are stored: ` +
                `search.json?min_id=${m.min_id}&max_id=${m.max_id} with the same query\n`,
            );
            break;
          case 'error':
            fatal = m.message;
            break;
        }
      });
      ws.on('close', (code, reason) => {
        clearTimeout(silence);
        if (stopped) resolve({ kind: 'stopped' });
        else if (fatal !== undefined) resolve({ kind: 'fatal', message: fatal });
        else resolve({ kind: 'retry', wentLive, reason: failure || `closed (${code}${reason.length ? ` ${reason.toString()}` : ''})` });
      });
    });
    if (outcome.kind === 'stopped') return 0;
    if (outcome.kind === 'fatal') {
      process.stderr.write(`driftwood tail: ${outcome.message}\n`);
      return 1;
    }
    if (outcome.wentLive) delay = RECONNECT_FIRST_MS;
    const wait = Math.round(delay * (0.75 + Math.random() * 0.5)); // jitter: clients do not reconnect in step
    process.stderr.write(`driftwood tail: connection lost: ${outcome.reason}; reconnecting in ${(wait / 1000).toFixed(1)} s\n`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    if (stopped) return 0;
    delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  }
}
