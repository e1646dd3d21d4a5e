-- From here on a new (empty) day file numbers its events 1, 2, 3 … in commit order (`pos`), and
-- its full-text index (migrations/fts/) uses that position as the FTS5 rowid instead of the id.
-- FTS5 stores each doclist's first rowid as a varint and the rest as deltas: ids (~2^51, gaps of
-- thousands) cost 8 bytes a doclist and 2-3 a posting, positions 3 and 1 (docs/BENCHMARKS.md,
-- "Index rowids"). Ids grow in commit order too, so position order is id order. A file that
-- already holds events keeps id rowids (store/positions.ts reads both): store/db.ts applies this
-- to empty files only. The position is not in the leaf hash (server/integrity/hash.ts): it
-- follows from the order of the ids, which is.
ALTER TABLE events ADD COLUMN pos INTEGER;
CREATE UNIQUE INDEX events_pos ON events (pos);
CREATE TRIGGER events_pos_fixed BEFORE UPDATE OF pos ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: an event''s position in its day never changes');
END;
