-- Rows are committed (and acknowledged) before they are added to events_fts: indexing runs in
-- batches of thousands behind the commits (store/events.ts indexNew), in SQL from the stored rows
-- (no second pass of every message through the driver) and with fewer FTS5 segments per row.
-- Every row with id <= indexed_through is in the index; queries check the rows above it directly
-- (store/unindexed.ts).
CREATE TABLE fts_progress (indexed_through INTEGER NOT NULL);
INSERT INTO fts_progress (indexed_through) SELECT coalesce(max(id), 0) FROM events;
