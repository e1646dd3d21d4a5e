// Event times as the reader chose to see them (local zone or UTC; the header says which).
import { useSyncExternalStore } from 'react';

const KEY = 'driftwood.timeZone';
type Zone = 'local' | 'utc';
const listeners = new Set<() => void>();

export function getZone(): Zone {
  return localStorage.getItem(KEY) === 'utc' ? 'utc' : 'local';
}

export function setZone(zone: Zone): void {
  localStorage.setItem(KEY, zone);
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useZone(): Zone {
  return useSyncExternalStore(subscribe, getZone, () => 'local');
}

let localZone: string | undefined;
/**
 * Resolved once: building an Intl.DateTimeFormat costs ~0.5 ms, and tables call this per row. The
 * first call in a page also loads ICU's data (28-50 ms), so nothing calls it before the first page.
 */
export function localZoneName(): string {
  if (localZone === undefined) {
    localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local';
    queueMicrotask(() => listeners.forEach((l) => l())); // not during the render that asked
  }
  return localZone;
}

/** The local zone's name once something has asked for it (localZoneName), else undefined. */
export function useKnownLocalZoneName(): string | undefined {
  return useSyncExternalStore(subscribe, () => localZone, () => undefined);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "May 30 16:24:40", Papertrail's stream format, in the chosen zone. */
export function streamTime(iso: string, zone: Zone): string {
  const d = new Date(iso);
  return zone === 'utc'
    ? `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
    : `${MONTHS[d.getMonth()]} ${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** streamTime's two parts, so that narrow screens can leave the date out. */
export function streamTimeParts(iso: string, zone: Zone): [date: string, time: string] {
  const s = streamTime(iso, zone);
  return [s.slice(0, 6), s.slice(7)];
}

/** "2026-05-30 16:24:40.438" with the zone's name, for the details panel. */
export function fullTime(iso: string | null, zone: Zone): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (zone === 'utc') return `${d.toISOString().replace('T', ' ').replace('Z', '')} UTC`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)} ${localZoneName()}`;
}
