// Webhooks in Papertrail's format (DESIGN 6): POST, application/x-www-form-urlencoded, one field
// `payload` holding the JSON. Ours adds X-Driftwood-Signature: sha256=<hex HMAC-SHA256 of the raw
// body> with the alert's secret, so a receiver can tell our calls from forged ones.
//
//   answer                                   what happens
//   2xx                                      sent
//   5xx, 408, 429, timeout, network error    try again after 1 s, 2 s, 4 s, 8 s; failed after 5 attempts
//   3xx (not followed), other 4xx            failed at once: the receiver refuses this payload
//   an internal address (egress.ts)          failed at once: DRIFTWOOD_WEBHOOK_ALLOW does not name it
import { createHmac } from 'node:crypto';
import { fetch } from 'undici';
import { EgressRefused, guardedAgent, refusedLiteral, type AddressCheck } from './egress.ts';

export const SIGNATURE_HEADER = 'x-driftwood-signature';

export interface WebhookOptions {
  /** Delays before the 2nd, 3rd, … attempt; its length + 1 is the number of attempts. */
  delaysMs: readonly number[];
  /** Per attempt. */
  timeoutMs: number;
  /** Aborts waiting and in-flight requests (server shutdown): the delivery stays pending. */
  signal?: AbortSignal;
  /** Internal addresses (loopback, private, link-local…) that webhooks may reach anyway. */
  internalAllowed: AddressCheck;
}

export const WEBHOOK_DEFAULTS: WebhookOptions = { delaysMs: [1000, 2000, 4000, 8000], timeoutMs: 10_000, internalAllowed: () => false };
const ANSWER_MAX_CHARS = 200; // of the receiver's reply kept in the history

export interface WebhookResult {
  ok: boolean;
  attempts: number;
  /** The receiver's status and reply, or the error. */
  detail: string;
  /** Stopped by the signal: neither sent nor failed. */
  aborted: boolean;
}

export function formBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Webhook URLs often carry a token in the path (Slack, Zapier): messages name the host only. */
const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
};

const retryable = (status: number) => status >= 500 || status === 408 || status === 429;

export async function postWebhook(url: string, body: string, secret: string, opts: WebhookOptions = WEBHOOK_DEFAULTS): Promise<WebhookResult> {
  const headers = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Driftwood-Alerts', [SIGNATURE_HEADER]: signature(body, secret) };
  const literal = URL.canParse(url) ? refusedLiteral(new URL(url), opts.internalAllowed) : undefined;
  if (literal) return refused(url, literal, 1);
  const dispatcher = guardedAgent(opts.internalAllowed);
  try {
    return await deliverWithRetries(url, body, headers, opts, dispatcher);
  } finally {
    void dispatcher.destroy();
  }
}

function refused(url: string, e: EgressRefused, attempts: number): WebhookResult {
  return { ok: false, attempts, detail: `cannot deliver webhook to ${hostOf(url)}: ${e.message} (allow it with DRIFTWOOD_WEBHOOK_ALLOW)`, aborted: false };
}

async function deliverWithRetries(url: string, body: string, headers: Record<string, string>, opts: WebhookOptions, dispatcher: ReturnType<typeof guardedAgent>): Promise<WebhookResult> {
  let detail = '';
  for (let attempt = 1; attempt <= opts.delaysMs.length + 1; attempt++) {
    if (attempt > 1) await sleep(opts.delaysMs[attempt - 2]!, opts.signal);
    if (opts.signal?.aborted) return { ok: false, attempts: attempt - 1, detail: `stopped: ${detail}`, aborted: true };
    const signals = [AbortSignal.timeout(opts.timeoutMs), ...(opts.signal ? [opts.signal] : [])];
    try {
      const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.any(signals), dispatcher });
      const answer = (await res.text().catch(() => '')).slice(0, ANSWER_MAX_CHARS);
      detail = `HTTP ${res.status}${answer ? `: ${answer}` : ''}`;
      if (res.ok) return { ok: true, attempts: attempt, detail, aborted: false };
      if (!retryable(res.status)) return { ok: false, attempts: attempt, detail: `cannot deliver webhook to ${hostOf(url)}: ${detail}`, aborted: false };
    } catch (e) {
      if (opts.signal?.aborted) return { ok: false, attempts: attempt, detail: 'stopped by shutdown', aborted: true };
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.cause instanceof EgressRefused) return refused(url, err.cause, attempt);
      detail = err.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message);
    }
  }
  return { ok: false, attempts: opts.delaysMs.length + 1, detail: `cannot deliver webhook to ${hostOf(url)}: gave up after ${opts.delaysMs.length + 1} attempts; last: ${detail}`, aborted: false };
}
