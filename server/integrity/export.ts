// DRIFTWOOD_HEAD_EXPORT: every minute, the current chain head as a signed checkpoint, appended to
// a file (`file:/path`, on another disk or a mount of another host) or POSTed to a URL, so that a
// copy of the heads lives where an intruder on this host cannot rewrite it (docs/SECURITY.md).
import { appendFile } from 'node:fs/promises';
import type { Logger } from '../log.ts';
import type { DayHead } from '../store/chain.ts';
import { signCheckpoint, type Keys } from './checkpoint.ts';

export const HEAD_EXPORT_INTERVAL_MS = 60_000;
const POST_TIMEOUT_MS = 10_000;

export interface HeadExport {
  /** Exports the head now, if it moved since the last export. */
  exportNow(): Promise<void>;
  stop(): Promise<void>;
}

/** `file:/path` or an http(s) URL; undefined when neither. */
export function parseExportTarget(raw: string): { file: string } | { url: string } | undefined {
  if (raw.startsWith('file:')) {
    const file = raw.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    return file.startsWith('/') ? { file } : undefined;
  }
  try {
    return /^https?:$/.test(new URL(raw).protocol) ? { url: raw } : undefined;
  } catch {
    return undefined;
  }
}

export function startHeadExport(o: { target: string; keys: Keys; head: () => DayHead | undefined; log: Logger; now: () => number; intervalMs?: number }): HeadExport {
  const target = parseExportTarget(o.target);
  if (!target) throw new Error(`BUG: DRIFTWOOD_HEAD_EXPORT "${o.target}" passed config validation`);
  let lastHash: string | undefined;
  let failing = false;
  let running: Promise<void> = Promise.resolve();

  const once = async () => {
    const h = o.head();
    if (!h || h.hash === lastHash) return; // an unchanged head is covered by the checkpoint before
    const line = signCheckpoint({ day: h.day, batch: h.batch, hash: h.hash, events: h.events, last_id: h.lastId, at: new Date(o.now()).toISOString() }, o.keys.privateKey);
    try {
      if ('file' in target) await appendFile(target.file, `${line}\n`);
      else {
        const res = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: line, signal: AbortSignal.timeout(POST_TIMEOUT_MS) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      }
      lastHash = h.hash;
      if (failing) o.log.info(`head export to ${o.target} works again`);
      failing = false;
    } catch (e) {
      // One line per outage, not one a minute; the next round tries again.
      if (!failing) o.log.error(`cannot export the chain head to ${o.target}: ${(e as Error).message}`);
      failing = true;
    }
  };
  const exportNow = () => (running = running.then(once));
  const timer = setInterval(() => void exportNow(), o.intervalMs ?? HEAD_EXPORT_INTERVAL_MS).unref();
  return {
    exportNow,
    async stop() {
      clearInterval(timer);
      await exportNow(); // the head at shutdown too
    },
  };
}
