-- Listing the groups of a system.
CREATE INDEX IF NOT EXISTS group_systems_system ON group_systems (system_id);
