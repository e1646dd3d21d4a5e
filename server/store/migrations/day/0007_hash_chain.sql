-- The hash chain (docs/SECURITY.md, "Hash chain"; server/integrity/hash.ts). Each event gets a
-- random salt; each committed batch a row here, written in the same transaction as its events:
-- the tags (leading bytes of each leaf, to name a changed event), the previous batch's hash and
-- this batch's. A day's first batch continues from the previous day's head (store/manifest.ts).
-- Rows already in the file stay without salt: they predate tamper evidence and are not covered.
ALTER TABLE events ADD COLUMN salt BLOB;
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
-- Redaction also destroys the event's salt: with it gone, its kept leaf cannot be used to guess
-- the redacted text.
DROP TRIGGER events_no_update;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN NOT (
  NEW.id = OLD.id AND NEW.system_id IS OLD.system_id AND NEW.generated_ms IS OLD.generated_ms
  AND NEW.source_ip IS OLD.source_ip AND NEW.hostname IS OLD.hostname AND NEW.program IS OLD.program
  AND NEW.pri IS OLD.pri AND NEW.flags IS OLD.flags
  AND NEW.message = '[redacted]' AND NEW.extra IS NULL AND NEW.salt IS NULL
  AND EXISTS (SELECT 1 FROM redactions WHERE id = OLD.id)
)
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: only a recorded redaction (driftwood redact) may change an event');
END;
