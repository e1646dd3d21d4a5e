// Retention (DESIGN 1): whole day files older than DRIFTWOOD_RETENTION_DAYS are deleted, then, if
// DRIFTWOOD_MAX_DISK_MB is set and exceeded, the oldest remaining days until it fits. Deleting a
// file is instant however many events it holds: ingest never waits behind a giant DELETE. Each
// removed day leaves its final head and a tombstone in the manifest (store/manifest.ts).
import { isArchived } from './archive.ts';
import { dayOf, type Partitions } from './partitions.ts';

const DAY_MS = 86_400_000;

export interface RetentionPolicy {
  retentionDays: number;
  maxDiskMb?: number;
  /** DRIFTWOOD_ARCHIVE_DIR: a day is deleted only once its archive is complete (store/archive.ts). */
  archiveDir?: string;
}

/** Deletes what the policy no longer keeps; returns the days removed. Today's file is never removed. */
export function enforceRetention(partitions: Partitions, policy: RetentionPolicy, nowMs: number): string[] {
  const today = dayOf(nowMs);
  const oldestKept = dayOf(nowMs - (policy.retentionDays - 1) * DAY_MS);
  const removed: string[] = [];
  const mayGo = (day: string) => day !== today && (policy.archiveDir === undefined || isArchived(policy.archiveDir, day));
  for (const day of partitions.days()) {
    if (day < oldestKept && mayGo(day)) {
      partitions.drop(day, nowMs);
      removed.push(day);
    }
  }
  if (policy.maxDiskMb !== undefined) {
    const cap = policy.maxDiskMb * 1024 * 1024;
    const days = partitions.days().slice(1).filter(mayGo); // newest first, the newest kept whatever the cap
    while (days.length > 0 && partitions.bytesOnDisk() > cap) {
      const day = days.pop()!;
      partitions.drop(day, nowMs);
      removed.push(day);
    }
  }
  return removed;
}
