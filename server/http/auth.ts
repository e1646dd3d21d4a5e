// Who is calling, and may they? Every request is resolved to a principal from an API token
// (X-Papertrail-Token or Authorization: Bearer) or the UI's session cookie, then checked against
// the route's declared access. A route declares `config: { access: 'public' | 'member' | 'admin' }`;
// a route that says nothing is 'member', so a new route is protected by default.
//
//   access   anonymous  member  admin   (state table of the onRequest guard)
//   public   allowed    allowed allowed
//   member   401        allowed allowed
//   admin    401        403     allowed
//
// Cookie-authenticated state-changing requests must also carry X-CSRF-Token (the session's token
// from GET/POST /api/v1/session); token-authenticated ones need none (a browser never adds them).
import cookie, { fastifyCookie } from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import { AuditThrottle, type Audit } from '../security/audit.ts';
import { LoginLimiter } from '../security/login-limiter.ts';
import { csrfTokenFor, safeEqual } from '../security/secrets.ts';
import type { Store, UserRow } from '../store/index.ts';

export type Access = 'public' | 'member' | 'admin';
const ACCESS_LEVELS: readonly Access[] = ['public', 'member', 'admin'];

export interface Principal {
  user: UserRow;
  via: 'session' | 'token';
  /** The cookie value, kept in memory for sign-out and the CSRF check; never logged or stored. */
  sessionId?: string;
  tokenId?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth guard on every non-public route; null on public ones. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    access?: Access;
    /** The route writes its own security events; skip the generic config_change one. */
    selfAudited?: boolean;
  }
}

export const SESSION_COOKIE = 'driftwood_session';
export const CSRF_HEADER = 'x-csrf-token';
// A forgotten browser tab signs itself out after half a day of inactivity, and no session lives
// longer than a week whatever its activity (OWASP Session Management: idle and absolute timeouts).
export const SESSION_IDLE_MS = 12 * 3_600_000;
export const SESSION_ABSOLUTE_MS = 7 * 86_400_000;
// Sign-in and setup: a flat per-address cap on top of the failure-based LoginLimiter, so that
// even correct passwords cannot keep scrypt busy.
export const SIGN_IN_RATE = { max: 30, timeWindow: 60_000 };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const PATH_LOG_MAX = 200;

export interface AuthDeps {
  store: Store;
  audit: Audit;
  metrics?: Metrics;
  now: () => number;
  publicUrl: string;
}

export type AuthFailure = 'no_credentials' | 'unknown_token' | 'revoked_token' | 'unknown_session' | 'expired_session';
export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; reason: AuthFailure; user?: string };

export interface AuthInput {
  headers: IncomingHttpHeaders;
  /** Parsed query string; its `token` is read only when `queryToken` is set (WebSocket upgrades). */
  query?: unknown;
  ip: string;
}

export interface Authenticator {
  /**
   * Resolves credentials to a principal: API token (header, or `?token=` when queryToken) first,
   * then the session cookie. Checks the database every time: a token revoked or a password reset
   * from the CLI takes effect on the next request. Audits revoked and unknown tokens.
   */
  authenticate(input: AuthInput, options?: { queryToken?: boolean }): AuthOutcome;
}

/** What the session, setup, user and token routes share. */
export interface AuthContext extends AuthDeps {
  authenticator: Authenticator;
  limiter: LoginLimiter;
  /** Audits with the principal and address of a request filled in. */
  auditRequest(request: FastifyRequest, e: { action: string; outcome: 'success' | 'failure' | 'denied' | 'info'; user?: string; details?: Record<string, string | number | undefined> }): void;
}

/** The path of a request without its query string (which may hold a token), bounded for logs. */
export function pathOf(url: string): string {
  const path = url.split('?')[0]!;
  return path.length > PATH_LOG_MAX ? `${path.slice(0, PATH_LOG_MAX)}…` : path;
}

function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const papertrail = headers['x-papertrail-token'];
  if (typeof papertrail === 'string' && papertrail.trim()) return papertrail.trim();
  const auth = headers.authorization;
  const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return m?.[1];
}

function sessionCookie(headers: IncomingHttpHeaders): string | undefined {
  if (!headers.cookie) return undefined;
  const value = fastifyCookie.parse(headers.cookie)[SESSION_COOKIE];
  return value || undefined;
}

export function createAuthenticator(deps: AuthDeps): Authenticator {
  const unknownTokens = new AuditThrottle(deps.now);
  const revokedTokens = new AuditThrottle(deps.now);
  return {
    authenticate(input, options = {}) {
      const now = deps.now();
      const query = input.query as Record<string, unknown> | undefined;
      const fromQuery = options.queryToken && typeof query?.token === 'string' && query.token ? query.token : undefined;
      const token = bearerToken(input.headers) ?? fromQuery;
      if (token !== undefined) {
        const found = deps.store.apiTokens.resolve(token);
        if (!found) {
          const pass = unknownTokens.pass(input.ip);
          if (pass) deps.audit({ action: 'api_token', outcome: 'denied', ip: input.ip, details: { reason: 'unknown token', repeats_held_back: pass.suppressed || undefined } });
          return { ok: false, reason: 'unknown_token' };
        }
        if (found.revokedMs !== null) {
          const pass = revokedTokens.pass(String(found.token.id));
          if (pass) {
            deps.audit({
              action: 'api_token',
              outcome: 'denied',
              ip: input.ip,
              user: found.user.email,
              details: { reason: 'used after revoke', token_id: found.token.id, token_name: found.token.name, revoked_at: new Date(found.revokedMs).toISOString(), repeats_held_back: pass.suppressed || undefined },
            });
          }
          return { ok: false, reason: 'revoked_token', user: found.user.email };
        }
        deps.store.apiTokens.touch(found.token, now);
        return { ok: true, principal: { user: found.user, via: 'token', tokenId: found.token.id } };
      }
      const sessionId = sessionCookie(input.headers);
      if (sessionId !== undefined) {
        const session = deps.store.sessions.find(sessionId);
        if (!session) return { ok: false, reason: 'unknown_session' };
        if (session.lastSeenMs + SESSION_IDLE_MS <= now || session.createdMs + SESSION_ABSOLUTE_MS <= now) {
          deps.store.sessions.remove(sessionId);
          return { ok: false, reason: 'expired_session', user: session.user.email };
        }
        deps.store.sessions.touch(sessionId, session, now);
        return { ok: true, principal: { user: session.user, via: 'session', sessionId } };
      }
      return { ok: false, reason: 'no_credentials' };
    },
  };
}

/**
 * Whether the credentials a long-lived connection (a live tail) was opened with still hold: the
 * token is not revoked, the session is neither signed out nor past its absolute limit, and the
 * account still exists. Never extends a session.
 */
export function credentialsStillValid(store: Store, principal: Principal, now: number): boolean {
  if (!store.users.find(principal.user.id)) return false;
  if (principal.via === 'token') return principal.tokenId !== undefined && store.apiTokens.find(principal.tokenId) !== undefined;
  const session = principal.sessionId === undefined ? undefined : store.sessions.find(principal.sessionId);
  return session !== undefined && session.createdMs + SESSION_ABSOLUTE_MS > now;
}

function cookieOptions(request: FastifyRequest) {
  // Secure whenever the browser reached us over HTTPS, directly or via a trusted proxy.
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: request.protocol === 'https' };
}

/** Signs a user in: a fresh session (never reusing one the browser brought), its cookie, its CSRF token. */
export function startSession(ctx: AuthContext, request: FastifyRequest, reply: FastifyReply, user: UserRow): string {
  const now = ctx.now();
  const previous = sessionCookie(request.headers);
  if (previous) ctx.store.sessions.remove(previous);
  ctx.store.sessions.purgeExpired(now - SESSION_IDLE_MS, now - SESSION_ABSOLUTE_MS);
  const id = ctx.store.sessions.create(user.id, now, request.ip);
  reply.setCookie(SESSION_COOKIE, id, { ...cookieOptions(request), maxAge: SESSION_ABSOLUTE_MS / 1000 });
  return csrfTokenFor(id);
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
}

const registered = new WeakMap<FastifyInstance, RouteOptions[]>();

/** Every route registered after installAuth, with its options (the route-enumeration test uses it). */
export function routesOf(app: FastifyInstance): readonly RouteOptions[] {
  return registered.get(app) ?? [];
}

/** Gives every route of `scope` this access unless the route declares its own (wrap a plugin in it). */
export function defaultAccess(scope: FastifyInstance, access: Access): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: route.config?.access ?? access };
  });
}

export function accessOf(request: FastifyRequest): Access {
  // Unknown paths: the UI's SPA fallback is public; an unknown API path looks like any other
  // protected one, so anonymous callers cannot map the API by its 404s.
  if (request.is404) return request.url.startsWith('/api/') ? 'member' : 'public';
  return request.routeOptions.config.access ?? 'member';
}

function originAllowed(request: FastifyRequest, publicUrl: string): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser, or a same-origin GET-like navigation
  const allowed = [`${request.protocol}://${request.host}`, new URL(publicUrl).origin];
  return allowed.includes(origin);
}

/**
 * Installs the guard on the root instance, before any route: the cookie parser, the per-route
 * rate limiter, the principal resolution and access check (onRequest, so a refused request's
 * body is never parsed), and the audit of validation failures and admin changes.
 */
export async function installAuth(app: FastifyInstance, deps: AuthDeps): Promise<AuthContext> {
  const authenticator = createAuthenticator(deps);
  const anonymous = new AuditThrottle(deps.now);
  const ctx: AuthContext = {
    ...deps,
    authenticator,
    limiter: new LoginLimiter(deps.now),
    auditRequest(request, e) {
      deps.audit({ ...e, ip: request.ip, user: e.user ?? request.principal?.user.email });
    },
  };
  const deny = (request: FastifyRequest, reply: FastifyReply, status: 401 | 403, reason: string, message: string, user?: string) => {
    deps.metrics?.inc('driftwood_http_denied_total', 'API requests refused by the auth guard', { status: String(status) });
    deps.audit({ action: reason.startsWith('csrf') ? 'csrf' : 'access_denied', outcome: 'denied', ip: request.ip, user, details: { method: request.method, path: pathOf(request.url), status, reason } });
    return reply.code(status).send({ message });
  };

  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    onExceeded: (request) => {
      const pass = anonymous.pass(`rate ${request.ip}`);
      if (pass) deps.audit({ action: 'rate_limit', outcome: 'denied', ip: request.ip, details: { method: request.method, path: pathOf(request.url), repeats_held_back: pass.suppressed || undefined } });
    },
  });
  app.decorateRequest('principal', null);

  const routes: RouteOptions[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (access !== undefined && !ACCESS_LEVELS.includes(access)) throw new Error(`BUG: route ${route.url} declares access "${String(access)}"`);
    routes.push(route);
  });

  app.addHook('onRequest', async (request, reply) => {
    const access = accessOf(request);
    const unsafe = !SAFE_METHODS.has(request.method);
    // By the matched route, not the raw URL text (which may be encoded oddly and still match).
    const isApi = (request.is404 ? request.url : (request.routeOptions.url ?? '')).startsWith('/api/');
    // Cross-site requests that change state are refused whoever sends them (login CSRF included).
    if (unsafe && isApi && (!originAllowed(request, deps.publicUrl) || request.headers['sec-fetch-site'] === 'cross-site')) {
      // Anyone's page can make a browser send these: at most one event a minute per address.
      if (!anonymous.pass(`cross-origin ${request.ip}`)) return reply.code(403).send({ message: 'cross-origin request refused' });
      return deny(request, reply, 403, 'csrf: cross-origin request', 'cross-origin request refused');
    }
    if (access === 'public') return;
    const upgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
    const outcome = authenticator.authenticate({ headers: request.headers, query: request.query, ip: request.ip }, { queryToken: upgrade });
    if (!outcome.ok) {
      if (outcome.reason === 'expired_session' || outcome.reason === 'unknown_session') clearSessionCookie(request, reply);
      // Token problems were audited by the authenticator; anonymous noise at most once a minute per address.
      if (outcome.reason === 'unknown_token' || outcome.reason === 'revoked_token') return reply.code(401).send({ message: 'unknown or revoked API token' });
      const message = outcome.reason === 'expired_session' ? 'your session expired: sign in again' : 'sign in or send an API token';
      const pass = anonymous.pass(`anon ${request.ip}`);
      if (!pass) return reply.code(401).send({ message });
      deps.metrics?.inc('driftwood_http_denied_total', 'API requests refused by the auth guard', { status: '401' });
      deps.audit({ action: 'access_denied', outcome: 'denied', ip: request.ip, user: outcome.user, details: { method: request.method, path: pathOf(request.url), status: 401, reason: outcome.reason, repeats_held_back: pass.suppressed || undefined } });
      return reply.code(401).send({ message });
    }
    const { principal } = outcome;
    if (principal.via === 'session') {
      // Cross-site WebSocket hijacking: browsers send cookies on cross-site upgrades, and Origin always.
      if (upgrade && (request.headers.origin === undefined || !originAllowed(request, deps.publicUrl))) {
        return deny(request, reply, 403, 'csrf: websocket from another origin', 'cross-origin request refused', principal.user.email);
      }
      if (unsafe) {
        const sent = request.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !safeEqual(sent, csrfTokenFor(principal.sessionId!))) {
          return deny(request, reply, 403, sent === undefined ? 'csrf: token missing' : 'csrf: token mismatch', `missing or wrong ${CSRF_HEADER} header: get it from GET /api/v1/session`, principal.user.email);
        }
      }
    }
    if (access === 'admin' && principal.user.role !== 'admin') return deny(request, reply, 403, 'admin only', 'only an admin may do this', principal.user.email);
    request.principal = principal;
  });

  // OWASP: input-validation failures on the API. The text is kept for schema errors and our own
  // errors (errors.ts messages never quote a password); Fastify's others (a JSON syntax error)
  // may quote the body, which may hold one: those are logged by code only.
  app.addHook('onError', async (request, _reply, error: Error & { statusCode?: number; validation?: unknown; code?: string }) => {
    if (!request.url.startsWith('/api/')) return;
    const status = error instanceof AppError ? error.status : (error.statusCode ?? 500);
    if (status !== 400 && status !== 413 && status !== 415) return;
    if (error instanceof AppError && error.code !== 'BAD_REQUEST') return;
    const problem = error.validation || error instanceof AppError ? error.message : (error.code ?? 'bad request');
    ctx.auditRequest(request, { action: 'input_validation', outcome: 'failure', details: { method: request.method, path: pathOf(request.url), status, problem } });
  });

  // A WebSocket upgrade refused here (401/403) never reaches @fastify/websocket, whose own hooks
  // would close the raw socket; an upgrade socket is never reused for HTTP, so close it ourselves
  // or every refused upgrade would leave a half-open connection behind (and block server.close).
  app.addHook('onResponse', async (request) => {
    if (request.headers.upgrade?.toLowerCase() === 'websocket') (request.raw.socket as { destroySoon?: () => void } | null)?.destroySoon?.();
  });

  // Config changes: every successful state change on an admin route (drains, users, settings).
  app.addHook('onResponse', async (request, reply) => {
    if (request.is404 || SAFE_METHODS.has(request.method) || reply.statusCode >= 400) return;
    const config = request.routeOptions.config;
    if (config.access !== 'admin' || config.selfAudited) return;
    const params = request.params as Record<string, string> | undefined;
    ctx.auditRequest(request, { action: 'config_change', outcome: 'success', details: { method: request.method, route: request.routeOptions.url, id: params?.id } });
  });

  return ctx;
}
