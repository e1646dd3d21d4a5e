-- Salts derived per batch (docs/SECURITY.md, "Hash chain"; integrity/hash.ts batchSalts): a batch
-- written from now on keeps one random key in its chain row, and its events' salts are derived from
-- it, instead of 16 random bytes stored in every row (and every sealed block). Rows and batches
-- written before keep their per-row salts and verify as before.
ALTER TABLE chain ADD COLUMN salt_key BLOB;
-- A batch one of whose events was redacted: its events' salts (16 bytes each, in id order; the
-- redacted events' zeroed), stored so that its key can be destroyed. Without the key the kept leaf
-- of a redacted event cannot be used to guess its text; with these its other events still verify.
CREATE TABLE batch_salts (
  batch INTEGER PRIMARY KEY,
  salts BLOB NOT NULL
);
-- The chain stays append-only but for one change: a redaction destroys a batch's key once the
-- batch's salts are stored.
DROP TRIGGER chain_no_update;
CREATE TRIGGER chain_no_update BEFORE UPDATE ON chain
WHEN NOT (
  NEW.batch = OLD.batch AND NEW.first_id = OLD.first_id AND NEW.last_id = OLD.last_id AND NEW.events = OLD.events
  AND NEW.tags = OLD.tags AND NEW.prev = OLD.prev AND NEW.hash = OLD.hash
  AND NEW.salt_key IS NULL AND EXISTS (SELECT 1 FROM batch_salts WHERE batch = OLD.batch)
)
BEGIN
  SELECT RAISE(ABORT, 'the hash chain is append-only');
END;
-- Stored salts change only as redaction zeroes another event's, and are never removed.
CREATE TRIGGER batch_salts_no_update BEFORE UPDATE ON batch_salts
WHEN NOT (NEW.batch = OLD.batch AND length(NEW.salts) = length(OLD.salts))
BEGIN
  SELECT RAISE(ABORT, 'stored salts change only by redaction');
END;
CREATE TRIGGER batch_salts_no_delete BEFORE DELETE ON batch_salts
BEGIN
  SELECT RAISE(ABORT, 'stored salts change only by redaction');
END;
