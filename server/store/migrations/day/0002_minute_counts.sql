-- Events per minute and system, kept at insert: a time-only histogram reads these instead of
-- counting every event in the range. Backfilled for day files written before this migration.
CREATE TABLE minute_counts (
  minute INTEGER NOT NULL,       -- Unix minutes of received_at
  system_id INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (minute, system_id)
) WITHOUT ROWID;
INSERT INTO minute_counts (minute, system_id, count)
  SELECT id / 1024 / 60000, system_id, count(*) FROM events GROUP BY 1, 2;
