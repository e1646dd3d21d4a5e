// POST /drains/:token — Heroku HTTPS log drains (application/logplex-1) plus text/plain and
// NDJSON/JSON (DESIGN 3). Replies 204 only after the batch is committed. Heroku drops a batch on
// any 4xx and retries on 429/5xx, so a temporary problem is always a 503, never a 4xx.
import type { EventFlag } from '../../shared/event.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { decodeFrame } from '../parse/normalize.ts';
import { parsePlainLine, parseSyslog } from '../parse/syslog.ts';
import type { ParsedLine, ParseOptions } from '../parse/types.ts';
import type { Audit } from '../security/audit.ts';
import type { Store } from '../store/index.ts';
import type { DrainRow } from '../store/types.ts';
import { attribute } from './attribute.ts';
import { splitLogplexBody } from './framing.ts';
import { parseJsonBody } from './json-lines.ts';
import type { Pipeline } from './pipeline.ts';

export const DRAIN_BODY_LIMIT_BYTES = 10 * 1024 * 1024; // Heroku batches are far smaller
const RETRY_AFTER_S = 2;
// Heroku gives up on a drain request after 5 s. A batch not committed by then is answered 503 so
// that Heroku retries; if it commits meanwhile, the retry's Logplex-Frame-Id finds it stored.
const REPLY_DEADLINE_MS = 4500;
const UNKNOWN_TOKEN_AUDIT_INTERVAL_MS = 60_000;

export interface DrainOptions {
  store: Store;
  pipeline: Pipeline;
  metrics: Metrics;
  log: Logger;
  audit: Audit;
  maxMessageBytes: number;
  timeZone: string;
  now: () => number;
}

function tokenOf(request: FastifyRequest<{ Params: { token?: string } }>): string | undefined {
  if (request.params.token) return request.params.token;
  // https://:TOKEN@host/drains — the token as the Basic-auth password
  const auth = request.headers.authorization;
  if (auth?.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    return password || undefined;
  }
  return undefined;
}

function splitLines(body: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = body.indexOf(10); i !== -1; i = body.indexOf(10, start)) {
    lines.push(body.subarray(start, i));
    start = i + 1;
  }
  if (start < body.length) lines.push(body.subarray(start));
  return lines.map((l) => (l.at(-1) === 13 ? l.subarray(0, -1) : l)).filter((l) => l.length > 0);
}

/** In place: a parsed line may carry its fields lazily, which a spread copy would lose. */
function addFlags(line: ParsedLine, flags: readonly EventFlag[]): ParsedLine {
  for (const f of flags) if (!line.flags.includes(f)) line.flags.push(f);
  return line;
}

function parseBody(contentType: string, body: Buffer, opts: ParseOptions): { lines: ParsedLine[]; problem?: string } {
  if (contentType === 'application/logplex-1') {
    const { frames, error } = splitLogplexBody(body);
    const herokuOpts = { ...opts, heroku: true }; // once per body, not per frame
    return { lines: frames.map((f) => parseSyslog(f, herokuOpts)), problem: error };
  }
  // Other bodies are drain traffic too: Heroku's `host app web.1` header still marks Heroku framing.
  const drainOpts = { ...opts, viaDrain: true };
  if (contentType === 'application/json' || contentType === 'application/x-ndjson') {
    const { text, flags } = decodeFrame(body, body.length);
    const lines = parseJsonBody(text, drainOpts);
    for (const l of lines) addFlags(l, flags);
    return { lines };
  }
  // text/plain and anything else: one event per line; syslog-looking lines are parsed as syslog.
  return {
    lines: splitLines(body).map((l) => {
      if (l[0] === 60 /* < */) return parseSyslog(l, drainOpts);
      const { text, flags } = decodeFrame(l, opts.maxMessageBytes * 4);
      return addFlags(parsePlainLine(text, drainOpts), flags);
    }),
  };
}

export async function drainRoutes(app: FastifyInstance, opts: DrainOptions): Promise<void> {
  const lastUnknownAudit = new Map<string, number>();
  // Every content type arrives as raw bytes: the body is parsed per frame, never by Fastify.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: DRAIN_BODY_LIMIT_BYTES }, (_req, body, done) => done(null, body));

  const handler = async (request: FastifyRequest<{ Params: { token?: string } }>, reply: FastifyReply) => {
    const token = tokenOf(request);
    const drain: DrainRow | undefined = token ? opts.store.drains.byTokenValue(token) : undefined;
    if (!drain) {
      opts.metrics.inc('driftwood_drain_unknown_token_total', 'drain requests with an unknown or missing token');
      const now = opts.now();
      if ((lastUnknownAudit.get(request.ip) ?? 0) + UNKNOWN_TOKEN_AUDIT_INTERVAL_MS <= now) {
        if (lastUnknownAudit.size > 10_000) lastUnknownAudit.clear();
        lastUnknownAudit.set(request.ip, now);
        opts.audit({ action: 'drain_token', outcome: 'denied', ip: request.ip, details: { reason: token ? 'unknown token' : 'no token' } });
      }
      return reply.code(401).send({ message: 'unknown drain token: create one with `driftwood drain add NAME`' });
    }
    if (opts.pipeline.overloaded) {
      opts.metrics.inc('driftwood_drain_backpressure_total', 'drain requests answered 503 because the writer was behind');
      return reply.code(503).header('retry-after', RETRY_AFTER_S).send({ message: opts.pipeline.refusal ?? 'ingest queue full: retry later' });
    }
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const contentType = (request.headers['content-type'] ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
    const receivedMs = opts.now();
    const parseOpts = { now: new Date(receivedMs), timeZone: opts.timeZone, maxMessageBytes: opts.maxMessageBytes };
    const { lines, problem } = parseBody(contentType, body, parseOpts);
    const where = `drain ${drain.name} from ${request.ip}`;
    if (problem) opts.log.warn(`${where}: ${problem}`);
    const declared = request.headers['logplex-msg-count'];
    if (declared !== undefined && Number(declared) !== lines.length) {
      // Everything parsed is still stored: a 4xx would make Heroku drop the whole batch.
      opts.metrics.inc('driftwood_drain_count_mismatch_total', 'logplex batches whose Logplex-Msg-Count differed from the frames parsed');
      opts.log.warn(`${where}: Logplex-Msg-Count says ${String(declared)}, body held ${lines.length} frames; stored all ${lines.length}`);
    }
    if (lines.length === 0) return reply.code(204).send();
    const events = lines.map((l) => attribute(l, { ip: request.ip, drainName: drain.name }, receivedMs));
    const frameId = request.headers['logplex-frame-id'];
    const committed = opts.pipeline.submit(events, 'drain', typeof frameId === 'string' && frameId ? `${drain.id}:${frameId}` : undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), REPLY_DEADLINE_MS)));
    try {
      if ((await Promise.race([committed, late])) === 'late') {
        opts.metrics.inc('driftwood_drain_slow_commit_total', 'drain requests answered 503 because their commit took longer than Heroku waits');
        committed.catch(() => undefined); // its outcome is logged by the pipeline; the retry decides
        return reply.code(503).header('retry-after', RETRY_AFTER_S).send({ message: 'the store is slow: retry later' });
      }
    } catch (e) {
      opts.log.error(`${where}: ${(e as Error).message}`);
      return reply.code(503).header('retry-after', RETRY_AFTER_S).send({ message: 'cannot store the batch now: retry later' });
    } finally {
      clearTimeout(timer);
    }
    return reply.code(204).send();
  };

  app.post('/drains/:token', { bodyLimit: DRAIN_BODY_LIMIT_BYTES }, handler);
  app.post('/drains', { bodyLimit: DRAIN_BODY_LIMIT_BYTES }, handler);
}
