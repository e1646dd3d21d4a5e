-- Accounts: users, browser sessions and API tokens. No secret is stored as sent: sessions and
-- tokens are kept as SHA-256 hashes (they are 256-bit random, so a fast hash suffices), passwords
-- as scrypt hashes with a per-user salt (security/passwords.ts).
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  password_hash TEXT NOT NULL,   -- scrypt$N$r$p$salt$hash
  created_ms INTEGER NOT NULL,
  password_changed_ms INTEGER NOT NULL
);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,      -- hex SHA-256 of the cookie value; the value itself is never stored
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_ms INTEGER NOT NULL,   -- absolute expiry counts from here
  last_seen_ms INTEGER NOT NULL, -- idle expiry counts from here (updated at most once a minute)
  ip TEXT
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE, -- hex SHA-256 of the token, shown to its owner once
  prefix TEXT NOT NULL,            -- first characters, so owners can tell tokens apart
  created_ms INTEGER NOT NULL,
  last_used_ms INTEGER,            -- updated at most once a minute
  revoked_ms INTEGER               -- kept after revocation so that a later use is reported as such
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
