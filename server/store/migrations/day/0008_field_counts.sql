-- Events per minute, system, program and value bucket of a few common logfmt keys, written in the
-- same transaction as the events (store/field-counts.ts). A count or histogram of `status>=500`
-- (a conjunction of one key's comparisons, program:, sender:/group: and time) adds these up for
-- whole minutes instead of parsing every message. Only numeric values are counted: a comparison
-- is false for any other (DESIGN 5). A bucket holds the values that agree in their first `digits`
-- significant digits; `low`/`high` are the least and greatest counted, so a comparison decides a
-- row when both ends fall on the same side, and reads that minute's events when they do not.
CREATE TABLE field_counts (
  key_id INTEGER NOT NULL,       -- field_count_keys.id
  minute INTEGER NOT NULL,       -- Unix minutes of received_at (of the id, as minute_counts)
  system_id INTEGER NOT NULL,
  program_id INTEGER NOT NULL,   -- field_count_programs.id: a number, not the name, on each row
  bucket REAL NOT NULL,
  count INTEGER NOT NULL,
  low REAL NOT NULL,
  high REAL NOT NULL,
  PRIMARY KEY (key_id, minute, system_id, program_id, bucket)
) WITHOUT ROWID;
CREATE TABLE field_count_programs (
  id INTEGER PRIMARY KEY,
  program TEXT NOT NULL UNIQUE
);
-- The keys counted in this file, each with its bucket precision and the id after which its rows
-- are counted: rows stored before this migration are not (a day file written by an older version
-- is not re-parsed at open; its earlier minutes are counted from the rows, as before).
CREATE TABLE field_count_keys (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  digits INTEGER NOT NULL,
  since_id INTEGER NOT NULL
);
-- status (HTTP), level (numeric levels) and code, in buckets of 3 significant digits: exact for
-- status codes. Heroku's timings and sizes (service=23ms, connect, bytes) have many values: counted
-- in 1-digit buckets (0-9, 10, 20 … 100, 200 …) they cost the writer 4.5 µs a line more and 2.6 B
-- of disk (docs/BENCHMARKS.md), so they are not counted; a later migration may add rows here.
INSERT INTO field_count_keys (key, digits, since_id)
  SELECT k.column1, k.column2, (SELECT coalesce(max(id), 0) FROM events)
  FROM (VALUES ('status', 3), ('level', 3), ('code', 3)) AS k;
