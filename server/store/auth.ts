// Users, browser sessions and API tokens (drain tokens live in drains.ts). Secrets are created here
// and only their SHA-256 hashes are stored: a copy of the database lets nobody sign in.
// The CLI (another process) may revoke a token or change a password while the server runs, and
// the next request must see it: resolved API tokens and sessions are kept only until the next
// commit to the database, by anyone (store/until-changed.ts). Every lookup is one indexed row.
import { createHash, randomBytes } from 'node:crypto';
import type { ApiToken } from '../../shared/api.ts';
import { StatementCache, type Db } from './db.ts';
import { UntilChanged } from './until-changed.ts';

// The statements every request runs (its session or token, and touching it) are prepared once:
// preparing them cost more than running them (docs/BENCHMARKS.md, "Per-request overhead").
const hot = new StatementCache(8);

export type Role = 'admin' | 'member';

export interface UserRow {
  id: number;
  email: string;
  role: Role;
  created_at: string;
  password_changed_at: string;
}

/** A token as the API shows it (never the secret): the shared contract is the row. */
export type ApiTokenRow = ApiToken;

export interface SessionRecord {
  user: UserRow;
  createdMs: number;
  lastSeenMs: number;
}

export interface TokenRecord {
  token: ApiTokenRow;
  user: UserRow;
  revokedMs: number | null;
}

interface UserDbRow {
  id: number;
  email: string;
  role: Role;
  password_hash: string;
  created_ms: number;
  password_changed_ms: number;
}

interface TokenDbRow {
  id: number;
  user_id: number;
  name: string;
  prefix: string;
  created_ms: number;
  last_used_ms: number | null;
  revoked_ms: number | null;
}

const SECRET_BYTES = 32; // 256 bits: unguessable, so a fast hash is the right storage
const TOKEN_PREFIX = 'dwt_'; // recognizable by secret scanners
const SHOWN_PREFIX_CHARS = TOKEN_PREFIX.length + 6;
// last_seen / last_used are written at most this often: a busy API client must not turn every
// read into a write.
export const TOUCH_INTERVAL_MS = 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function toUser(r: UserDbRow): UserRow {
  return { id: r.id, email: r.email, role: r.role, created_at: iso(r.created_ms), password_changed_at: iso(r.password_changed_ms) };
}

function toToken(r: TokenDbRow): ApiTokenRow {
  return { id: r.id, user_id: r.user_id, name: r.name, prefix: r.prefix, created_at: iso(r.created_ms), last_used_at: r.last_used_ms === null ? null : iso(r.last_used_ms) };
}

/** Splits a joined row (token or session columns + u_* user columns) into the user part. */
function joinedUser(r: Record<string, unknown>): UserRow {
  return toUser({
    id: r.u_id as number,
    email: r.u_email as string,
    role: r.u_role as Role,
    password_hash: '',
    created_ms: r.u_created_ms as number,
    password_changed_ms: r.u_password_changed_ms as number,
  });
}

const USER_COLUMNS = 'u.id AS u_id, u.email AS u_email, u.role AS u_role, u.created_ms AS u_created_ms, u.password_changed_ms AS u_password_changed_ms';

export class Users {
  constructor(private readonly db: Db) {}

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  list(): UserRow[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY email').all() as UserDbRow[]).map(toUser);
  }

  /** By id (a number or a string of digits) or by email (case-insensitive). */
  find(idOrEmail: number | string): UserRow | undefined {
    const row =
      typeof idOrEmail === 'number' || /^\d+$/.test(idOrEmail)
        ? this.db.prepare('SELECT * FROM users WHERE id = ?').get(Number(idOrEmail))
        : this.db.prepare('SELECT * FROM users WHERE email = ?').get(idOrEmail);
    return row ? toUser(row as UserDbRow) : undefined;
  }

  /** The user and password hash for a sign-in; undefined when no such account. */
  credentials(email: string): { user: UserRow; passwordHash: string } | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE email = ?').get(email) as UserDbRow | undefined;
    return row ? { user: toUser(row), passwordHash: row.password_hash } : undefined;
  }

  passwordHash(id: number): string | undefined {
    return (this.db.prepare('SELECT password_hash FROM users WHERE id = ?').get(id) as { password_hash: string } | undefined)?.password_hash;
  }

  /** Undefined when the email is taken. */
  create(email: string, role: Role, passwordHash: string, nowMs: number): UserRow | undefined {
    const info = this.db
      .prepare('INSERT INTO users (email, role, password_hash, created_ms, password_changed_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING')
      .run(email, role, passwordHash, nowMs, nowMs);
    return info.changes ? this.find(Number(info.lastInsertRowid)) : undefined;
  }

  /** The first admin (POST /api/v1/setup): inserted only while the table is empty, atomically. */
  createFirstAdmin(email: string, passwordHash: string, nowMs: number): UserRow | undefined {
    const info = this.db
      .prepare(
        `INSERT INTO users (email, role, password_hash, created_ms, password_changed_ms)
         SELECT ?, 'admin', ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM users)`,
      )
      .run(email, passwordHash, nowMs, nowMs);
    return info.changes ? this.find(Number(info.lastInsertRowid)) : undefined;
  }

  /**
   * Changes email and/or role. Refuses to leave the server without an admin, and to take an email
   * that another user has. One immediate transaction, so two admins cannot both demote each other.
   */
  update(id: number, change: { email?: string; role?: Role }): { ok: true; user: UserRow } | { ok: false; reason: 'not_found' | 'last_admin' | 'email_taken' } {
    return this.db
      .transaction(() => {
        const user = this.find(id);
        if (!user) return { ok: false as const, reason: 'not_found' as const };
        if (change.role === 'member' && user.role === 'admin' && this.adminCount() === 1) return { ok: false as const, reason: 'last_admin' as const };
        if (change.email !== undefined && change.email.toLowerCase() !== user.email.toLowerCase()) {
          const other = this.find(change.email);
          if (other && other.id !== id) return { ok: false as const, reason: 'email_taken' as const };
        }
        this.db.prepare('UPDATE users SET email = coalesce(?, email), role = coalesce(?, role) WHERE id = ?').run(change.email ?? null, change.role ?? null, id);
        return { ok: true as const, user: this.find(id)! };
      })
      .immediate();
  }

  setPassword(id: number, passwordHash: string, nowMs: number): boolean {
    return this.db.prepare('UPDATE users SET password_hash = ?, password_changed_ms = ? WHERE id = ?').run(passwordHash, nowMs, id).changes > 0;
  }

  /** Deletes a user with their sessions and tokens (ON DELETE CASCADE); never the last admin. */
  remove(id: number): 'removed' | 'not_found' | 'last_admin' {
    return this.db
      .transaction(() => {
        const user = this.find(id);
        if (!user) return 'not_found' as const;
        if (user.role === 'admin' && this.adminCount() === 1) return 'last_admin' as const;
        this.db.prepare('DELETE FROM users WHERE id = ?').run(id);
        return 'removed' as const;
      })
      .immediate();
  }

  private adminCount(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin'").get() as { n: number }).n;
  }
}

// Sessions kept found at once: a browser per person using the UI.
const FOUND_SESSIONS_MAX = 1000;

export class Sessions {
  private readonly found: UntilChanged<SessionRecord>;

  constructor(private readonly db: Db) {
    this.found = new UntilChanged(db, FOUND_SESSIONS_MAX);
  }

  /** Creates a session and returns its id: the cookie value, which is not stored. */
  create(userId: number, nowMs: number, ip: string): string {
    const id = randomBytes(SECRET_BYTES).toString('base64url');
    this.db.prepare('INSERT INTO sessions (id_hash, user_id, created_ms, last_seen_ms, ip) VALUES (?, ?, ?, ?, ?)').run(sha256Hex(id), userId, nowMs, nowMs, ip);
    return id;
  }

  /** A session by its cookie value; kept until the next commit, as resolved API tokens are. */
  find(sessionId: string): SessionRecord | undefined {
    const hash = sha256Hex(sessionId);
    return this.found.get(hash, () => {
      const row = hot
        .get(this.db, `SELECT s.created_ms, s.last_seen_ms, ${USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`)
        .get(hash) as Record<string, unknown> | undefined;
      return row ? { user: joinedUser(row), createdMs: row.created_ms as number, lastSeenMs: row.last_seen_ms as number } : undefined;
    });
  }

  /** Moves a session's last-seen time at most once a minute: an UPDATE takes the write lock even when it changes nothing. */
  touch(sessionId: string, session: SessionRecord, nowMs: number): void {
    if (nowMs - session.lastSeenMs < TOUCH_INTERVAL_MS) return;
    hot.get(this.db, 'UPDATE sessions SET last_seen_ms = ? WHERE id_hash = ? AND last_seen_ms <= ?').run(nowMs, sha256Hex(sessionId), nowMs - TOUCH_INTERVAL_MS);
  }

  remove(sessionId: string): boolean {
    return this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(sha256Hex(sessionId)).changes > 0;
  }

  /** Signs a user out everywhere (or everywhere but the session that asked). Returns how many. */
  removeAllForUser(userId: number, exceptSessionId?: string): number {
    return this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?').run(userId, exceptSessionId ? sha256Hex(exceptSessionId) : '').changes;
  }

  countForUser(userId: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ?').get(userId) as { n: number }).n;
  }

  /** Deletes sessions idle since idleBeforeMs or created before createdBeforeMs. */
  purgeExpired(idleBeforeMs: number, createdBeforeMs: number): number {
    return this.db.prepare('DELETE FROM sessions WHERE last_seen_ms < ? OR created_ms < ?').run(idleBeforeMs, createdBeforeMs).changes;
  }
}

// Tokens kept resolved at once: API clients use a few; random guesses only empty the cache.
const RESOLVED_TOKENS_MAX = 1000;

export class ApiTokens {
  private readonly resolved: UntilChanged<TokenRecord>;

  constructor(private readonly db: Db) {
    this.resolved = new UntilChanged(db, RESOLVED_TOKENS_MAX);
  }

  /** Creates a token; `secret` is returned this once and never again. */
  create(userId: number, name: string, nowMs: number): { token: ApiTokenRow; secret: string } {
    const secret = TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
    const prefix = secret.slice(0, SHOWN_PREFIX_CHARS);
    const info = this.db
      .prepare('INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_ms) VALUES (?, ?, ?, ?, ?)')
      .run(userId, name, sha256Hex(secret), prefix, nowMs);
    return { token: { id: Number(info.lastInsertRowid), user_id: userId, name, prefix, created_at: iso(nowMs), last_used_at: null }, secret };
  }

  /** Active (not revoked) tokens, of one user or of everyone, newest first. */
  list(userId?: number): ApiTokenRow[] {
    const rows =
      userId === undefined
        ? this.db.prepare('SELECT * FROM api_tokens WHERE revoked_ms IS NULL ORDER BY id DESC').all()
        : this.db.prepare('SELECT * FROM api_tokens WHERE revoked_ms IS NULL AND user_id = ? ORDER BY id DESC').all(userId);
    return (rows as TokenDbRow[]).map(toToken);
  }

  /** An active token by id. */
  find(id: number): ApiTokenRow | undefined {
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE id = ? AND revoked_ms IS NULL').get(id) as TokenDbRow | undefined;
    return row ? toToken(row) : undefined;
  }

  /**
   * The token presented by a client, revoked or not (a revoked one is reported, then refused).
   * API clients send the same token request after request: kept until the next commit.
   */
  resolve(secret: string): TokenRecord | undefined {
    const hash = sha256Hex(secret); // the cache holds no secret either
    return this.resolved.get(hash, () => {
      const row = hot
        .get(this.db, `SELECT t.*, ${USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`)
        .get(hash) as (TokenDbRow & Record<string, unknown>) | undefined;
      return row ? { token: toToken(row), user: joinedUser(row), revokedMs: row.revoked_ms } : undefined;
    });
  }

  touch(token: ApiTokenRow, nowMs: number): void {
    const last = token.last_used_at === null ? -Infinity : Date.parse(token.last_used_at);
    if (nowMs - last < TOUCH_INTERVAL_MS) return;
    hot.get(this.db, 'UPDATE api_tokens SET last_used_ms = ? WHERE id = ?').run(nowMs, token.id);
  }

  /** Revokes at once: the next request with this token is refused. False when not active. */
  revoke(id: number, nowMs: number): boolean {
    return this.db.prepare('UPDATE api_tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL').run(nowMs, id).changes > 0;
  }
}
