// Deterministic Heroku-like log lines (router and app), ~215 bytes each, for benchmarks: every
// line is unique (timestamp, request ids, addresses, timings), as production traffic is. Shared by
// every bench; cheap to make (~1 µs a line), so a load generator can make them as it sends.

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
const HEX = '0123456789abcdef';
function hex(n: number): string {
  let s = '';
  for (let k = 0; k < n; k++) s += HEX[Math.floor(rand() * 16)];
  return s;
}

let stampSecond = NaN;
let stampPrefix = '';
/** `2026-05-30T16:00:00.123+00:00`; the Date is formatted once per second of stamps. */
function timestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== stampSecond) {
    stampSecond = second;
    stampPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  return `${stampPrefix}${String(ms - second * 1000).padStart(3, '0')}+00:00`;
}

const PATHS = ['/', '/api/v1/users', '/api/v1/orders', '/login', '/add_list', '/assets/app.js', '/healthcheck', '/search'];
const WORDS = ['cache', 'miss', 'user', 'order', 'payment', 'session', 'render', 'template', 'query', 'completed', 'started', 'job', 'queue', 'mail'];

const START_MS = Date.UTC(2026, 4, 30, 16, 0, 0);

/**
 * Line `i` as a syslog message (no frame header): a router line or an app line, 1 ms apart.
 * HOSTNAME is `host` as in HTTPS drains; Heroku's syslog drains send the drain token instead.
 */
export function herokuMessage(i: number, hostname = 'host'): string {
  const ts = timestamp(START_MS + i);
  if (rand() < 0.5) {
    const status = rand() < 0.02 ? pick([500, 502, 503]) : pick([200, 200, 200, 201, 301, 304, 404]);
    const code = status >= 500 ? ` code=H${pick([10, 12, 13])}` : '';
    return `<158>1 ${ts} ${hostname} heroku router - at=${status >= 500 ? 'error' : 'info'}${code} method=GET path="${pick(PATHS)}" host=myapp.herokuapp.com request_id=${hex(8)}-${hex(4)} fwd="10.1.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}" dyno=web.${1 + Math.floor(rand() * 4)} connect=${Math.floor(rand() * 5)}ms service=${Math.floor(rand() * 900)}ms status=${status} bytes=${Math.floor(rand() * 20000)}`;
  }
  const count = 6 + Math.floor(rand() * 8);
  let words = pick(WORDS);
  for (let k = 1; k < count; k++) words += ` ${pick(WORDS)}`;
  return `<190>1 ${ts} ${hostname} app web.${1 + Math.floor(rand() * 4)} - I, [${ts} #${Math.floor(rand() * 99999)}]  INFO -- : ${words} id=${hex(12)} user_id=${Math.floor(rand() * 100000)}`;
}

export function octetFrame(msg: string): string {
  return `${Buffer.byteLength(msg)} ${msg}`;
}
