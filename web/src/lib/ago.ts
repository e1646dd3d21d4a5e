// "5 min ago": how long since something happened, as dense tables show it (the exact time is in
// the cell's title).

const UNITS: [ms: number, unit: string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
];

export function ago(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return 'never';
  const ms = nowMs - Date.parse(iso);
  if (ms < 5000) return 'just now';
  for (const [size, unit] of UNITS) if (ms >= size) return `${Math.floor(ms / size)} ${unit} ago`;
  return 'just now';
}

/** "in 3 min", for a time still to come (the next retry). */
export function fromNow(iso: string, nowMs: number): string {
  const ms = Date.parse(iso) - nowMs;
  if (ms <= 0) return 'now';
  for (const [size, unit] of UNITS) if (ms >= size) return `in ${Math.floor(ms / size)} ${unit}`;
  return 'now';
}
