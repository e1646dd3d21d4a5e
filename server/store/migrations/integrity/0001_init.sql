-- data/integrity.sqlite: the manifest of days (store/manifest.ts). Retention never deletes it.
-- Each day's hash chain continues from the head of the day created before it (seq order).
CREATE TABLE days (
  day TEXT PRIMARY KEY,          -- YYYY-MM-DD
  seq INTEGER NOT NULL UNIQUE,   -- creation order
  legacy INTEGER NOT NULL,       -- 1: the file existed before tamper evidence (its rows up to legacy_through are not covered)
  legacy_through INTEGER,        -- ids up to here predate the chain; NULL until the day's first batch
  batches INTEGER,               -- the day's head as last recorded: when the next day began, or by retention
  events INTEGER,
  last_id INTEGER,
  head TEXT,
  link TEXT,                     -- the hash this day's chain continued from (the day before's head then)
  removed_ms INTEGER             -- tombstone: retention deleted the day's files (head: its final head)
);
CREATE TABLE facts (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
