// An event's ISO 8601 and display times, formatted from its UTC day (once per day) and its time of
// day: search pages format two or three times per event, and Date's toISOString with displayTime's
// getters cost ~3 µs an event (10-20 % of a newest-100 page's time in process).
import { displayTime } from '../../shared/event.ts';

const DAY_MS = 86_400_000;
// Where toISOString has its plain `YYYY-MM-DDTHH:MM:SS.sssZ` form; other instants go through Date.
const PLAIN_FROM_MS = 0;
const PLAIN_UNTIL_MS = Date.UTC(10_000, 0, 1);
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

let day = { startMs: NaN, iso: '', display: '' };

function dayOf(ms: number): typeof day {
  const startMs = ms - (ms % DAY_MS);
  if (startMs !== day.startMs) day = { startMs, iso: new Date(startMs).toISOString().slice(0, 11), display: displayTime(startMs).slice(0, 7) };
  return day;
}

const plain = (ms: number) => ms >= PLAIN_FROM_MS && ms < PLAIN_UNTIL_MS && Number.isInteger(ms);
const clock = (t: number) => `${PAD2[Math.floor(t / 3_600_000)]}:${PAD2[Math.floor(t / 60_000) % 60]}:${PAD2[Math.floor(t / 1000) % 60]}`;

/** As `new Date(ms).toISOString()`. */
export function isoTime(ms: number): string {
  if (!plain(ms)) return new Date(ms).toISOString();
  const d = dayOf(ms);
  const t = ms - d.startMs;
  return `${d.iso}${clock(t)}.${PAD3[t % 1000]}Z`;
}

/** As shared/event.ts displayTime(ms): "May 30 16:24:40". */
export function displayTimeOf(ms: number): string {
  if (!plain(ms)) return displayTime(ms);
  const d = dayOf(ms);
  return `${d.display}${clock(ms - d.startMs)}`;
}
