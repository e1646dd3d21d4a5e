// Event ids: received_ms * 1024 + sequence. Strictly increasing in arrival order, they also encode
// the arrival time, so a time range becomes an id range that SQLite and FTS5 can seek on.
// 2^53 / 1024 ms reaches the year 2248, so ids stay exact JavaScript numbers.

export const IDS_PER_MS = 1024; // beyond 1M events/s ids borrow from the next millisecond

export function idFloorForTime(ms: number): number {
  return Math.floor(ms) * IDS_PER_MS;
}

export function timeOfId(id: number): number {
  return Math.floor(id / IDS_PER_MS);
}

/** The id after `last` for an event received at `receivedMs`. */
export function nextId(last: number, receivedMs: number): number {
  return Math.max(last + 1, idFloorForTime(receivedMs));
}
