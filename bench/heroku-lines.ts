// Deterministic Heroku-like log lines (router and app), ~225 bytes each, for benchmarks.

let seed = 1;
function rand(): number {
  // mulberry32: fast, deterministic
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export function resetSeed(s = 1): void {
  seed = s;
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const PATHS = ['/', '/api/v1/users', '/api/v1/orders', '/login', '/add_list', '/assets/app.js', '/healthcheck', '/search'];
const WORDS = ['cache', 'miss', 'user', 'order', 'payment', 'session', 'render', 'template', 'query', 'completed', 'started', 'job', 'queue', 'mail'];

/** One syslog message body (no frame header): a router line or an app line. */
export function herokuMessage(i: number): string {
  const ts = new Date(Date.UTC(2026, 4, 30, 16, 0, 0) + i).toISOString().replace('Z', '+00:00');
  if (rand() < 0.5) {
    const status = rand() < 0.02 ? pick([500, 502, 503]) : pick([200, 200, 200, 201, 301, 304, 404]);
    const code = status >= 500 ? ` code=H${pick([10, 12, 13])}` : '';
    return `<158>1 ${ts} host heroku router - at=${status >= 500 ? 'error' : 'info'}${code} method=GET path="${pick(PATHS)}" host=myapp.herokuapp.com request_id=${hex(8)}-${hex(4)} fwd="10.1.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}" dyno=web.${1 + Math.floor(rand() * 4)} connect=${Math.floor(rand() * 5)}ms service=${Math.floor(rand() * 900)}ms status=${status} bytes=${Math.floor(rand() * 20000)}`;
  }
  const words = Array.from({ length: 6 + Math.floor(rand() * 8) }, () => pick(WORDS)).join(' ');
  return `<190>1 ${ts} host app web.${1 + Math.floor(rand() * 4)} - I, [${ts} #${Math.floor(rand() * 99999)}]  INFO -- : ${words} id=${hex(12)} user_id=${Math.floor(rand() * 100000)}`;
}

export function octetFrame(msg: string): string {
  return `${Buffer.byteLength(msg)} ${msg}`;
}
