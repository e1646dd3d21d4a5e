// The store's public types: what ingest hands in and what search gets back. A second backend
// (e.g. PostgreSQL) implements EventStore without touching ingest or routes.
import type { Event, EventFlag } from '../../shared/event.ts';

/** An event as the pipeline hands it to the store, before it has an id. */
export interface NewEvent {
  receivedMs: number;
  sourceIp: string;
  /** The system (sender) it is attributed to: drain name, syslog HOSTNAME, else source IP. */
  systemName: string;
  hostname: string;
  program: string;
  severity: number;
  facility: number;
  generatedAt: number | null;
  message: string;
  fields: Record<string, string>;
  flags: EventFlag[];
  /** The fields not derivable from the message by logfmt, when the parser knows them. */
  ownFields?: Record<string, string>;
}

/** One caller's batch (a drain request, a TCP read): committed together, acknowledged together. */
export interface Submission {
  events: NewEvent[];
  /** Logplex-Frame-Id: a batch whose frame id is already stored is not stored again. */
  frameId?: string;
}

export interface SubmissionResult {
  /** Built on first access. */
  readonly stored: Event[];
  duplicate: boolean;
  /** Events stored (0 for a duplicate). */
  count: number;
  /** The id of the last stored event, when any. */
  lastId?: number;
}

/** What the writer reports per submission: the ids and system ids of its events, in order. */
export interface WriteResult {
  ids: number[];
  systemIds: number[];
  duplicate: boolean;
}

export interface SystemRow {
  id: number;
  name: string;
  ip: string | null;
  first_seen_at: string;
  last_seen_at: string;
}

export interface DrainRow {
  id: number;
  name: string;
  token: string;
  created_at: string;
}
