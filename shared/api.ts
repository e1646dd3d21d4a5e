// The HTTP API contract (DESIGN 4), shared by the server's routes, the CLI client and the web UI.
import type { Event } from './event.ts';

export interface SearchResponse {
  events: Event[];
  min_id: string;
  max_id: string;
  reached_beginning?: boolean;
  reached_end?: boolean;
  reached_record_limit?: boolean;
  reached_time_limit?: boolean;
}

export interface SearchParams {
  q?: string;
  system_id?: string;
  group_id?: string;
  min_id?: string;
  max_id?: string;
  min_time?: string;
  max_time?: string;
  tail?: string;
  limit?: string;
}

export interface HistogramResponse {
  /** `t`: bucket start in Unix seconds. */
  buckets: { t: number; count: number }[];
  reached_time_limit?: boolean;
}

/** The events around one event from the same system, oldest first, the event itself included. */
export interface ContextResponse {
  target_id: string;
  events: Event[];
  reached_beginning: boolean;
  reached_end: boolean;
}

export interface System {
  id: number;
  name: string;
  ip: string | null;
  first_seen_at: string;
  last_seen_at: string;
}

export interface Group {
  id: number;
  name: string;
  /** e.g. "web-*": members are the systems whose name matches; null for an explicit list. */
  system_wildcard: string | null;
  system_ids: number[];
}

export interface Drain {
  id: number;
  name: string;
  token: string;
  url: string;
  heroku_command: string;
  created_at: string;
}

export interface ApiError {
  message: string;
}

// Accounts (DESIGN 4): setup, session, users, API tokens.
export type Role = 'admin' | 'member';

export interface User {
  id: number;
  email: string;
  role: Role;
  created_at: string;
  password_changed_at: string;
}

/** GET /api/v1/setup: whether the first admin is still to be created. */
export interface SetupStatus {
  setup_required: boolean;
}

/** POST /api/v1/setup */
export interface SetupRequest {
  email: string;
  password: string;
  setup_code: string;
}

/** POST /api/v1/session */
export interface SignInRequest {
  email: string;
  password: string;
}

/**
 * POST/GET /api/v1/session. `csrf_token` (cookie sessions only) must be sent back as the
 * X-CSRF-Token header on every POST/PUT/DELETE made with the session cookie.
 */
export interface SessionInfo {
  user: User;
  via: 'session' | 'token';
  csrf_token?: string;
}

/** POST /api/v1/password: change one's own password (signs out one's other sessions). */
export interface PasswordChangeRequest {
  current_password: string;
  new_password: string;
}

/** POST /api/v1/users.json (admin) */
export interface UserCreateRequest {
  email: string;
  password: string;
  role?: Role;
}

/** PUT /api/v1/users/:id.json (admin): a new password signs the user out everywhere. */
export interface UserUpdateRequest {
  email?: string;
  role?: Role;
  password?: string;
}

export interface ApiToken {
  id: number;
  user_id: number;
  name: string;
  /** The first characters of the token, to tell tokens apart. */
  prefix: string;
  created_at: string;
  last_used_at: string | null;
}

/** POST /api/v1/tokens.json: the only response that ever holds the token itself. */
export interface ApiTokenCreated extends ApiToken {
  token: string;
}

// Live tail (DESIGN 4): WS /api/v1/tail.

/**
 * Query parameters of WS /api/v1/tail: the search's filters, plus where the stream starts.
 * Credentials as on every API call (session cookie, X-Papertrail-Token, Bearer), or `token`
 * for clients that cannot set headers on a WebSocket. The server sends TailMessage frames only.
 */
export interface TailParams {
  q?: string;
  system_id?: string;
  group_id?: string;
  /** Resume: first every stored match with id > min_id, then the live stream; no gap, no repeat. */
  min_id?: string;
  /** Start at a time instead (Unix seconds, received_at >= min_time, as search's); the later of the two wins. */
  min_time?: string;
  /** Without min_id: first the newest N stored matches (default 0, at most 1000), then live. */
  backfill?: string;
  /** An API token (browsers cannot set WebSocket headers). Never logged. */
  token?: string;
}

/** A batch of matching events, oldest first; ids only grow across batches of one connection. */
export interface TailEvents {
  type: 'events';
  events: Event[];
}

/**
 * The client fell behind and the server dropped `count` matches rather than wait: exactly the
 * matches with min_id < id < max_id (both exclusive, as search.json's). Fetch them with
 * search.json?q=…&min_id=…&max_id=… (newest first; page back with max_id = the response's min_id).
 */
export interface TailSkipped {
  type: 'skipped';
  count: number;
  min_id: string;
  max_id: string;
}

/**
 * Sent once, when the stored part (min_id or backfill) has been sent and the stream is live.
 * Every match with id <= last_id has been sent, so a client that saw no event since can still
 * resume with min_id = last_id.
 */
export interface TailLive {
  type: 'live';
  last_id: string;
}

/** The server refuses or ends the tail; the socket closes right after (1008: do not retry). */
export interface TailError {
  type: 'error';
  message: string;
}

export type TailMessage = TailEvents | TailSkipped | TailLive | TailError;

// Saved searches and alerts (DESIGN 6).

/** GET/POST/PUT /api/v1/searches[/:id].json */
export interface SavedSearch {
  id: number;
  name: string;
  query: string;
  group_id: number | null;
  created_at: string;
  updated_at: string;
  /** The UI addresses of DESIGN 7. */
  html_search_url: string;
  html_edit_url: string;
}

/** POST/PUT body: flat, or Papertrail's nested `{ "search": { … } }`. PUT may omit fields. */
export interface SavedSearchRequest {
  name: string;
  query: string;
  /** A group id or name; null for all systems. */
  group_id?: number | string | null;
}

export type AlertFrequency = '1m' | '10m' | '1h' | '1d';

/** "At least `count` new events match", or "no new event matches" (the site went quiet). */
export type AlertCondition = { type: 'at_least'; count: number } | { type: 'none' };

/** GET/PUT /api/v1/alerts[/:id].json */
export interface Alert {
  id: number;
  search_id: number;
  search: { id: number; name: string; query: string };
  frequency: AlertFrequency;
  condition: AlertCondition;
  email_to: string[];
  webhook_url: string | null;
  /** Send per-sender counts (Papertrail's "counts only") instead of the events. */
  webhook_counts_only: boolean;
  /** IANA zone: daily alerts run at 05:00 there; times in emails are shown there. */
  timezone: string;
  enabled: boolean;
  /** The end of the previous window (creation or enabling for a new alert). */
  last_run_at: string;
  created_at: string;
  updated_at: string;
  html_url: string;
}

/**
 * POST /api/v1/alerts.json and POST /api/v1/alerts/:id/secret.json: the only responses that hold
 * the webhook signing secret (X-Driftwood-Signature: sha256=HMAC-SHA256(secret, body)).
 */
export interface AlertWithSecret extends Alert {
  webhook_secret: string;
}

/** POST/PUT body: flat or nested `{ "alert": { … } }`. PUT may omit fields. */
export interface AlertRequest {
  search_id: number;
  frequency: AlertFrequency;
  /** Default: at least 1 new match. */
  condition?: AlertCondition;
  email_to?: string[];
  webhook_url?: string | null;
  webhook_counts_only?: boolean;
  timezone?: string;
  enabled?: boolean;
}

export type AlertDeliveryStatus = 'pending' | 'sent' | 'failed' | 'not_configured';

export interface AlertDelivery {
  channel: 'email' | 'webhook';
  status: AlertDeliveryStatus;
  attempts: number;
  /** Pending deliveries: when the next attempt is due. */
  next_attempt_at: string | null;
  /** The last error, or the receiver's answer. */
  detail: string | null;
}

/** One run of an alert: GET /api/v1/alerts/:id/history.json returns them newest first. */
export interface AlertRun {
  id: number;
  alert_id: number;
  kind: 'scheduled' | 'test';
  ran_at: string;
  /** Events with after_id < id <= through_id, which arrived between `since` and `until`. */
  window: { after_id: string; through_id: string; since: string; until: string };
  /** Scheduled runs were missed (server down): this run covered several periods, once. */
  late: boolean;
  note: string | null;
  query: string;
  /** Null when the run failed (see `error`); the next run covers the same events again. */
  matched: number | null;
  fired: boolean;
  error: string | null;
  deliveries: AlertDelivery[];
}

export interface AlertHistoryResponse {
  runs: AlertRun[];
}

/** POST /api/v1/alerts/starter.json */
export interface StarterRequest {
  email: string;
}

export interface StarterResponse {
  /** `enabled` is false for the site-quiet alert while no Heroku router line is stored: enable it once the drain is added. */
  items: { key: string; name: string; search_id: number; alert_id: number; search_created: boolean; alert: 'created' | 'recipient_added' | 'unchanged'; enabled: boolean }[];
}

/** GET /api/v1/integrity/head.json: the newest day's hash chain head (docs/SECURITY.md); batch 0 and null ids before the first. */
export interface IntegrityHead {
  day: string | null;
  batch: number;
  hash: string;
  /** Events in that day's batches up to this one. */
  events: number;
  last_id: string | null;
}

/** POST /api/v1/redactions.json (admin): `ids`, or `q` with `min_time` (and `max_time`), and a `reason`. */
export interface RedactionRequest {
  ids?: string[];
  q?: string;
  /** Unix seconds, inclusive, as search.json. */
  min_time?: number;
  max_time?: number;
  reason: string;
  /** With `q`: false (default) lists the matches in `matches` and redacts nothing. */
  confirm?: boolean;
}

export interface RedactionResponse {
  /** With `q` and without `confirm`: what would be redacted. */
  matches?: Event[];
  redacted: string[];
  already: string[];
  missing: string[];
  /** Events that no longer match their leaf hash: nothing of their day was redacted (run `driftwood verify`). */
  refused: string[];
  /** False when a busy reader kept the old text in a WAL for now (retried by the next redaction). */
  checkpointed: boolean;
}
