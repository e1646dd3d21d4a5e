// CLI time arguments: ISO 8601, Unix seconds, or phrases such as `2 hours ago` and
// `yesterday at 5pm` (chrono-node), relative to an injected `now`.
import * as chrono from 'chrono-node';

/** Unix seconds, or undefined when the text is not a time. */
export function parseTimeArg(text: string, now: Date): number | undefined {
  const t = text.trim();
  if (/^\d{9,11}$/.test(t)) return Number(t);
  const iso = Date.parse(t);
  if (/^\d{4}-\d{2}-\d{2}/.test(t) && Number.isFinite(iso)) return Math.floor(iso / 1000);
  const d = chrono.parseDate(t, now);
  return d ? Math.floor(d.getTime() / 1000) : undefined;
}
