// The HTTP API contract (DESIGN 4), shared by the server's routes, the CLI client and the web UI.
import type { Event } from './event.ts';

export interface SearchResponse {
  events: Event[];
  min_id: string;
  max_id: string;
  /** When min_id and max_id were received (ISO 8601, UTC), as Papertrail gives them. */
  min_time_at: string;
  max_time_at: string;
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

/**
 * `fields` as search.json returns them. `include` (the default): every field, as DESIGN 2 says.
 * `omit` (ours, opt-in; the web viewer asks for it): only the fields the message does not give
 * (structured data, procid, …): 1,000 Heroku lines are 502 KB instead of 620. The whole set is
 * `fieldsOf(event.message, event.fields)` (shared/logfmt.ts).
 */
export type DerivedFields = 'include' | 'omit';

/**
 * How search.json lays out its events. `objects` (the default): as Papertrail's API has them.
 * `rows` (ours, opt-in; the web viewer asks for it): the envelope's other keys on the first line,
 * ending in `"events":[`, then each event on a line of its own as a JSON array (shared/event-row.ts),
 * and `]}` on the last line: a third fewer bytes, and a client can read each event when it needs
 * it instead of all of them at once (web/src/api/rows-page.ts).
 */
export type EventsLayout = 'objects' | 'rows';

/** GET /api/v1/events/search.json: the search's parameters, how much of `fields` to send, and how. */
export interface SearchPageParams extends SearchParams {
  derived_fields?: DerivedFields;
  layout?: EventsLayout;
}

/**
 * GET /api/v1/events/histogram.json: the search's q, system_id, group_id; the range
 * [min_time, max_time) in Unix seconds (max_time defaults to now, min_time to 24 h before it) in
 * `buckets` buckets (default 60, at most 1440). Without a query the buckets are whole minutes that
 * end with max_time's minute (so the range may start a little earlier); the newest bucket counts
 * the events up to max_time, the minute in progress included.
 */
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

/** GET /api/v1/groups/preview.json?system_wildcard=web-*: the systems a wildcard group would hold, by name. */
export interface GroupPreviewResponse {
  systems: System[];
}

export interface Drain {
  id: number;
  name: string;
  token: string;
  url: string;
  heroku_command: string;
  created_at: string;
}

/** GET /api/v1/drains/:id.json (admin): the sources screen polls it until `first_event` is there. */
export interface DrainStatus extends Drain {
  /** The first event received through this drain, or null while none has arrived. */
  first_event: Event | null;
  /** When the newest one arrived (to the second), or null. */
  last_event_at: string | null;
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

// Facets (the event viewer's sidebar): GET /api/v1/events/facets.json.

/**
 * The search's parameters (q, system_id, group_id, min_time/max_time, min_id/max_id), plus
 * `fields`: comma-separated facet names — `sender`, `program`, `severity`, `facility`, `host`, or a
 * logfmt/structured-data key as `fields.<key>` (`fields.status`); `fields.*` adds the most common
 * keys among the counted events. Default: `sender,program,severity,fields.*`. `top`: values per
 * facet (default 10, at most 100).
 */
export interface FacetsParams extends SearchParams {
  fields?: string;
  top?: string;
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface Facet {
  /** As asked: `sender`, `program`, `severity`, `fields.status`, … */
  field: string;
  /** Most frequent first; ties by value. */
  values: FacetValue[];
  /** Counted events that had the field at all (for a share of the whole). */
  present: number;
}

export interface FacetsResponse {
  facets: Facet[];
  /** How many matching events the counts are over. */
  counted: number;
  /**
   * True when the counts come from a sample: the newest `counted` matches in the range, not all of
   * them (a busy day holds millions; the sidebar answers within the search budget).
   */
  sampled: boolean;
  reached_time_limit?: boolean;
}

// The saved-searches screen (issue 12): GET /api/v1/searches/overview.json, one request for the list.

/** `failing`: the last run failed (bad query, deleted group) or its last notification did not get through. */
export type AlertState = 'ok' | 'fired' | 'failing' | 'disabled';

export interface AlertOverview extends Alert {
  state: AlertState;
  /** The alert's newest scheduled run in the last 25 h, or null. (`last_run_at` is when its current window began.) */
  last_run: { ran_at: string; matched: number | null; fired: boolean; error: string | null } | null;
  /** Why the state is `failing`: the run's error, or `email: <the server's answer>` / `webhook: …`. */
  failure: string | null;
}

export interface SearchOverview extends SavedSearch {
  alerts: AlertOverview[];
  /**
   * Matches per UTC hour, oldest first: 24 hours starting at the response's `sparkline_start`, the
   * last one the hour in progress. Null where not known (yet): an hour is counted once and
   * remembered, within a time budget per request, so a reload fills in what one request could not.
   */
  sparkline: (number | null)[];
  /** `alert_runs`: from the run history of an alert that runs at least hourly; `counted`: counted in the store. */
  sparkline_source: 'alert_runs' | 'counted';
}

export interface SearchesOverviewResponse {
  /** Unix seconds of the first sparkline hour. */
  sparkline_start: number;
  searches: SearchOverview[];
}

// The systems screen (issue 12): GET /api/v1/systems.json?include=activity.

/** Where a system's lines come from: the HTTPS drain it is named after, or syslog from an address. */
export type SystemSource = { type: 'drain'; drain_id: number; name: string } | { type: 'syslog'; address: string | null };

export interface SystemActivity extends System {
  source: SystemSource;
  /**
   * Events per UTC hour, oldest first: 24 hours starting at `volume_start` (Unix seconds), the
   * last one the hour in progress. Null for an hour not read yet (a time budget per request; a
   * reload fills it in).
   */
  volume: (number | null)[];
  volume_start: number;
}

/**
 * GET /api/v1/server.json: the settings screen's read-only view of the server. Members get the
 * same without `data_dir` (a path on the server's disk is for those who run it).
 */
export interface ServerInfo {
  version: string;
  /** DRIFTWOOD_PUBLIC_URL: the address emails and drain URLs use. */
  public_url: string;
  retention_days: number;
  /** DRIFTWOOD_MAX_DISK_MB, or null when only the retention days apply. */
  max_disk_mb: number | null;
  /** The store's files: day files, their indexes and the meta database. */
  disk_used_bytes: number;
  /** The oldest day kept (YYYY-MM-DD, UTC), or null when no event is stored. */
  oldest_day: string | null;
  /** Lines committed per second over the last minute, every transport. */
  ingest_rate: number;
  /** The syslog listeners' ports (UDP and TCP share one); null when off. */
  syslog_port: number | null;
  syslog_tls_port: number | null;
  /** Whether the web server itself speaks HTTPS (else a proxy in front may). */
  https: boolean;
  smtp_configured: boolean;
  /** Admins only. */
  data_dir?: string;
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
