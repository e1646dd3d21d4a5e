-- The hash chain (docs/SECURITY.md, "Hash chain"; server/integrity/hash.ts). Each event gets a
-- random salt; each committed batch a row here, written in the same transaction as its events:
-- the tags (leading bytes of each leaf, to name a changed event), the previous batch's hash and
-- this batch's. A day's first batch continues from the previous day's head (store/manifest.ts).
-- Rows already in the file have no salt (day/0006): they predate tamper evidence and are not covered.
CREATE TABLE chain (
  batch INTEGER PRIMARY KEY,     -- 1, 2, … within the day
  first_id INTEGER NOT NULL,
  last_id INTEGER NOT NULL,
  events INTEGER NOT NULL,
  tags BLOB NOT NULL,            -- 8 bytes of each event's leaf, in id order
  prev TEXT NOT NULL,            -- hex
  hash TEXT NOT NULL             -- hex
);
CREATE TRIGGER chain_no_update BEFORE UPDATE ON chain
BEGIN
  SELECT RAISE(ABORT, 'the hash chain is append-only');
END;
CREATE TRIGGER chain_no_delete BEFORE DELETE ON chain
BEGIN
  SELECT RAISE(ABORT, 'the hash chain is append-only');
END;
