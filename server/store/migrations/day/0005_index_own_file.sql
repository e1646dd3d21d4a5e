-- From here on a new (empty) day file keeps its full-text index in a file of its own,
-- events/YYYY-MM-DD.fts.sqlite (migrations/fts/), so that indexing, on its own thread, never holds
-- the day file's write lock that ingest commits wait for. The step that drops events_fts and
-- fts_progress from an empty file is in store/db.ts (SQL cannot make a step conditional). A file
-- that already holds events keeps its index inside (store/partitions.ts reads both layouts).
SELECT 1;
