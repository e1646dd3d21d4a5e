// Retention (DESIGN 1): whole day files older than DRIFTWOOD_RETENTION_DAYS are deleted, then, if
// DRIFTWOOD_MAX_DISK_MB is set and exceeded, the oldest remaining days until it fits. Deleting a
// file is instant however many events it holds: ingest never waits behind a giant DELETE. Each
// removed day leaves its final head and a tombstone in the manifest (store/manifest.ts).
import { dayOf, type Partitions } from './partitions.ts';

const DAY_MS = 86_400_000;

export interface RetentionPolicy {
  retentionDays: number;
  maxDiskMb?: number;
}

/** Deletes what the policy no longer keeps; returns the days removed. Today's file is never removed. */
export function enforceRetention(partitions: Partitions, policy: RetentionPolicy, nowMs: number): string[] {
  const today = dayOf(nowMs);
  const oldestKept = dayOf(nowMs - (policy.retentionDays - 1) * DAY_MS);
  const removed: string[] = [];
  for (const day of partitions.days()) {
    if (day < oldestKept && day !== today) {
      partitions.drop(day, nowMs);
      removed.push(day);
    }
  }
  if (policy.maxDiskMb !== undefined) {
    const cap = policy.maxDiskMb * 1024 * 1024;
    const days = partitions.days(); // newest first
    while (days.length > 1 && partitions.bytesOnDisk() > cap) {
      const day = days.pop()!;
      partitions.drop(day, nowMs);
      removed.push(day);
    }
  }
  return removed;
}
