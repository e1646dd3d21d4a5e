-- Events are append-only (docs/SECURITY.md, "Tamper evidence"). Retention removes whole day files
-- (no DELETE runs); the only change an event may see is redaction (store/redact.ts), which first
-- records the redaction here and then blanks the event's text. These triggers refuse everything
-- else from any client, the sqlite3 shell included. They guard against mistakes and ordinary SQL
-- access, not against someone who can write the file: the hash chain (day/0007) detects that.
-- Each event's random salt for its leaf hash (day/0007); redaction destroys it, so that the kept
-- leaf cannot be used to guess the redacted text. Rows already in the file have none.
ALTER TABLE events ADD COLUMN salt BLOB;
CREATE TABLE redactions (
  id INTEGER PRIMARY KEY,        -- the redacted event
  leaf TEXT NOT NULL,            -- its leaf hash before redaction (hex), so that its batch still verifies
  reason TEXT NOT NULL,
  redacted_by TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: retention removes whole days, nothing deletes an event');
END;
-- The one permitted UPDATE: a recorded redaction replaces the message with [redacted] and clears
-- the extra fields and the salt; every other column stays as it was.
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
CREATE TRIGGER redactions_no_update BEFORE UPDATE ON redactions
BEGIN
  SELECT RAISE(ABORT, 'redactions are append-only');
END;
CREATE TRIGGER redactions_no_delete BEFORE DELETE ON redactions
BEGIN
  SELECT RAISE(ABORT, 'redactions are append-only');
END;
