-- Saved searches and alerts (DESIGN 6). An alert's cursor `last_id` is the highest event id its
-- previous run covered: the next run's window is (last_id, cutoff]. store/alerts.ts writes the run
-- row and moves the cursor in one transaction, so every event is counted by exactly one run.
CREATE TABLE saved_searches (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  query TEXT NOT NULL,           -- as typed; validated by shared/query/parse on save
  group_id INTEGER,              -- no FK: after a group is deleted, runs report it instead of widening
  starter_key TEXT UNIQUE,       -- searches made by the starter pack: running it again finds them
  created_by INTEGER,            -- user id, for the record (NULL from the CLI)
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  search_id INTEGER NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
  frequency TEXT NOT NULL CHECK (frequency IN ('1m', '10m', '1h', '1d')),
  condition_type TEXT NOT NULL CHECK (condition_type IN ('at_least', 'none')),
  condition_count INTEGER NOT NULL DEFAULT 1,
  email_to TEXT NOT NULL DEFAULT '[]',       -- JSON array of addresses
  webhook_url TEXT,
  webhook_counts_only INTEGER NOT NULL DEFAULT 0,
  webhook_secret TEXT NOT NULL,              -- HMAC-SHA256 key of X-Driftwood-Signature
  timezone TEXT NOT NULL DEFAULT 'UTC',
  enabled INTEGER NOT NULL DEFAULT 1,
  last_id INTEGER NOT NULL,                  -- the cursor
  last_run_ms INTEGER NOT NULL,              -- when the cursor was set (creation, enabling, a run)
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX alerts_search ON alerts (search_id);
-- One row per run: its window, what it found and whether it fired. Errors leave the cursor alone.
CREATE TABLE alert_runs (
  id INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('scheduled', 'test')),
  ran_ms INTEGER NOT NULL,
  after_id INTEGER NOT NULL,     -- window: after_id < id <= through_id
  through_id INTEGER NOT NULL,
  since_ms INTEGER NOT NULL,     -- the previous run (or creation): the window spans since_ms..ran_ms
  late INTEGER NOT NULL DEFAULT 0, -- scheduled runs were missed: this one covers several periods
  query TEXT NOT NULL,           -- the query as it ran (the search may be edited later)
  group_id INTEGER,
  matched INTEGER,               -- NULL when the run failed
  fired INTEGER NOT NULL DEFAULT 0,
  error TEXT
);
CREATE INDEX alert_runs_alert ON alert_runs (alert_id, id);
-- Notifications of fired runs. A pending one survives restarts and is retried with backoff.
CREATE TABLE alert_deliveries (
  run_id INTEGER NOT NULL REFERENCES alert_runs(id) ON DELETE CASCADE,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'not_configured')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_ms INTEGER,               -- pending: when to try (again)
  detail TEXT,                   -- the last error, or the receiver's answer
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (run_id, channel)
) WITHOUT ROWID;
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_ms) WHERE status = 'pending';
