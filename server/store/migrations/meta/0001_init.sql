-- The meta database: everything but the events themselves.
CREATE TABLE systems (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  ip TEXT,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL
);
CREATE TABLE groups (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  system_wildcard TEXT,          -- e.g. 'web-*'; NULL when the group is an explicit list
  created_ms INTEGER NOT NULL
);
CREATE TABLE group_systems (
  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  system_id INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, system_id)
) WITHOUT ROWID;
CREATE TABLE drains (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  token TEXT NOT NULL UNIQUE,    -- only admits ingest to this drain; shown again in drain list
  created_ms INTEGER NOT NULL
);
