// Times as people type them — `4:06 pm`, `yesterday at 5:30pm`, `3 hours ago`,
// `2026-05-30 04:12:55`, ISO 8601 or Unix seconds — for the viewer's time seek and the CLI's
// --min-time/--max-time (DESIGN 8), read in the reader's zone: local, or UTC.
import { casual } from 'chrono-node/en';

export interface TimeSeekOptions {
  /** The instant phrases are relative to (`3 hours ago`, `yesterday`). */
  now: Date;
  /** Read times without a zone as UTC instead of the local zone. */
  utc?: boolean;
}

/** Unix milliseconds, or undefined when the text is not a time. */
export function parseTimePhrase(text: string, opts: TimeSeekOptions): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^\d{9,11}$/.test(t)) return Number(t) * 1000;
  // An ISO date with an explicit zone is exact wherever it is read.
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(t)) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return ms;
  }
  // chrono reads zone-less times in the reference's zone: minutes east of UTC, 0 for UTC.
  const timezone = opts.utc ? 0 : -opts.now.getTimezoneOffset();
  const results = casual.parse(t, { instant: opts.now, timezone }, { forwardDate: false });
  const first = results[0];
  // The whole text must be the time: `error 5pm` is not a seek.
  if (!first || first.index !== 0 || first.text.trim().length !== t.replace(/\s+/g, ' ').length) return undefined;
  return first.start.date().getTime();
}
