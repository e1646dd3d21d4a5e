// CLI time arguments: ISO 8601, Unix seconds, or phrases such as `2 hours ago` and
// `yesterday at 5pm`, relative to an injected `now` (shared/time-seek.ts, as the web viewer's seek).
import { parseTimePhrase } from '../../shared/time-seek.ts';

/** Unix seconds, or undefined when the text is not a time. */
export function parseTimeArg(text: string, now: Date): number | undefined {
  const ms = parseTimePhrase(text, { now });
  return ms === undefined ? undefined : Math.floor(ms / 1000);
}
