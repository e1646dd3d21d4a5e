-- One database file per UTC day of received_at, so that retention deletes a file.
-- id = received_ms * 1024 + sequence (see store/ids.ts): received_at is derived from it.
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  system_id INTEGER NOT NULL,
  generated_ms INTEGER,
  source_ip TEXT NOT NULL,
  hostname TEXT,                 -- NULL when equal to the system's name (most lines)
  program TEXT NOT NULL,
  pri INTEGER NOT NULL,          -- facility * 8 + severity, as on the wire (RFC 5424 §6.2.1)
  message TEXT NOT NULL,
  extra TEXT,                    -- JSON of the fields not derivable from message by logfmt
  flags INTEGER NOT NULL         -- bit set, see store/codec.ts
);
CREATE INDEX events_system_id ON events (system_id, id);
-- External-content FTS over what bare terms reach (DESIGN 5); the sender name is matched
-- through the systems table instead of being indexed on every row. detail=none keeps only which
-- rows hold a token (49 B/line instead of 159 B with positions, and faster to write): the index
-- finds candidates, and store/compile.ts re-checks phrases and columns exactly. The 3-character
-- prefix index (+26 B/line) lets `get*` stream newest-first: without it FTS5 merges the doclists
-- of every term with the prefix first (2 s at 10M lines; 0.6 ms with it).
CREATE VIRTUAL TABLE events_fts USING fts5 (
  program, message,
  content = 'events', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 0',
  prefix = '3', columnsize = 0, detail = none
);
-- Logplex-Frame-Id of every drain batch stored here: a retried batch is stored once.
CREATE TABLE drain_frames (
  frame_id TEXT PRIMARY KEY,
  first_id INTEGER NOT NULL
) WITHOUT ROWID;
