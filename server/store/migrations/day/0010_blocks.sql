-- Sealed events (store/blocks.ts, store/sealer.ts): once indexed, events of consecutive positions
-- move from `events` into a compressed block, BLOCK_ROWS (256) of them: block k holds positions
-- k × 256 + 1 … (k + 1) × 256. Only day files with positions (day/0009) run this; it may run again
-- over its own tables (a file whose version was set back), hence IF NOT EXISTS.
CREATE TABLE IF NOT EXISTS blocks (
  block INTEGER PRIMARY KEY,     -- (pos - 1) / 256
  first_id INTEGER NOT NULL,
  last_id INTEGER NOT NULL,
  rev INTEGER NOT NULL DEFAULT 0, -- 1 more at each rewrite (a redaction): decoded copies are kept by revision
  data BLOB NOT NULL             -- store/block-codec.ts; last, so that reading the other columns does not read it
);
CREATE UNIQUE INDEX IF NOT EXISTS blocks_first_id ON blocks (first_id);
CREATE UNIQUE INDEX IF NOT EXISTS blocks_last_id ON blocks (last_id);
-- The systems each block holds: a query limited to quiet systems reads only their blocks.
CREATE TABLE IF NOT EXISTS block_systems (
  system_id INTEGER NOT NULL,
  block INTEGER NOT NULL,
  PRIMARY KEY (system_id, block)
) WITHOUT ROWID;

-- Rows are few here once sealing runs (the newest 4,096 of a day, and what the index thread has
-- not reached yet): the (system_id, id) index would cost every insert and every seal more than it
-- saves the queries that quiet systems drive, which read block_systems for sealed events.
DROP INDEX IF EXISTS events_system_id;

-- An event row leaves `events` only into its block, in the sealing transaction: still nothing
-- deletes an event.
DROP TRIGGER IF EXISTS events_no_delete;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
WHEN OLD.pos IS NULL OR NOT EXISTS (SELECT 1 FROM blocks WHERE block = (OLD.pos - 1) / 256)
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: retention removes whole days, nothing deletes an event');
END;
CREATE TRIGGER IF NOT EXISTS blocks_no_delete BEFORE DELETE ON blocks
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: retention removes whole days, nothing deletes a block');
END;
-- A block changes only by a recorded redaction of one of its events (driftwood redact); what
-- changed inside it is for the hash chain to prove (driftwood verify).
CREATE TRIGGER IF NOT EXISTS blocks_no_update BEFORE UPDATE ON blocks
WHEN NOT (
  NEW.block = OLD.block AND NEW.first_id = OLD.first_id AND NEW.last_id = OLD.last_id AND NEW.rev = OLD.rev + 1
  AND EXISTS (SELECT 1 FROM redactions WHERE id BETWEEN OLD.first_id AND OLD.last_id)
)
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: only a recorded redaction (driftwood redact) may change a block');
END;
