// Demo traffic (`driftwood demo`): the lines a small production setup sends, as the senders frame
// them. Pure and seeded: the same seed and clock give the same lines, and every request id, port
// and order number is unique, so tests and benchmarks can use them as production-like input.
//
// Three senders, one per ingest path:
//   - a Heroku app (HTTPS drain, logplex-1): heroku/router lines (H12 timeouts, 5xx), app/web.N
//     lines from Python's logging (a traceback goes out one line per frame, as Heroku sends it),
//     app/api deploys and releases, heroku/web.N dyno state changes;
//   - a Rails host (syslog over TCP, RFC 5424, octet counting) whose lines carry ANSI colours, as
//     Rails' colourised log and `heroku local` print them;
//   - a bastion host's sshd (syslog over UDP, RFC 3164, as rsyslog forwards it): failed passwords,
//     including bursts that the starter alerts (server/alerts/starter.ts) are made to catch.

export type DemoPath = 'drain' | 'tcp' | 'udp';

/** What a line shows; test/integration/demo.test.ts searches for each kind. */
export type DemoKind = 'router' | 'router-5xx' | 'h12' | 'app' | 'traceback' | 'deploy' | 'dyno' | 'ansi' | 'failed-login';

export interface DemoLine {
  path: DemoPath;
  kind: DemoKind;
  /** The whole syslog line (RFC 5424 for the drain and TCP, RFC 3164 for UDP), unframed. */
  line: string;
}

export interface DemoOptions {
  seed: number;
  /** The Heroku app's name (its herokuapp.com host). */
  app?: string;
  /** false: the Heroku app only (no Rails host, sshd's failed passwords become the app's). */
  syslog?: boolean;
}

/** Failed logins in one burst: above the starter pack's "Burst of failed logins" (10 a minute). */
export const FAILED_LOGIN_BURST = 14;

// Syslog PRI = facility × 8 + severity (RFC 5424 §6.2.1). Heroku marks router lines local3.info,
// app lines local7.info and its own dyno lines local5.notice, whatever they say.
const PRI = { router: 158, app: 190, heroku: 45, rails: 134, authpriv: 86 } as const;

const PATHS = ['/', '/products', '/products/:id', '/cart', '/checkout', '/orders/:id', '/api/v1/orders', '/search?q=:word', '/login', '/static/app.:hex.js'];
const SLOW_PATHS = ['/reports/export', '/admin/orders.csv', '/api/v1/reports/yearly'];
const WORDS = ['teapot', 'kettle', 'mug', 'saucer', 'infuser', 'matcha', 'oolong', 'sencha', 'chai', 'rooibos'];
const USERS = ['admin', 'root', 'oracle', 'postgres', 'deploy', 'test', 'ubuntu', 'git', 'support', 'guest', 'ftp', 'pi'];
const EMAILS = ['ana@example.com', 'bo@example.com', 'chen@example.com', 'dara@example.com'];
const MODULES = ['shop.views', 'shop.orders', 'shop.cart', 'accounts.auth', 'payments.stripe', 'celery.worker'];

/** mulberry32: a tiny seeded PRNG; demo lines need variety, not cryptographic randomness. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class DemoTraffic {
  private readonly random: () => number;
  private readonly app: string;
  private readonly syslog: boolean;
  private serial = 0;
  private release = 41;
  private readonly dynos = ['web.1', 'web.2'];

  constructor(opts: DemoOptions) {
    this.random = prng(opts.seed);
    this.app = opts.app ?? 'demo-shop';
    this.syslog = opts.syslog ?? true;
  }

  /** One of every kind, so that a demo of a few seconds already shows them all. */
  everyKind(nowMs: number): DemoLine[] {
    const rails = this.syslog ? this.railsRequest(nowMs) : [];
    return [...this.deploy(nowMs), ...this.request(nowMs, 'router'), ...this.request(nowMs, 'h12'), ...this.request(nowMs, 'router-5xx'), ...rails, ...this.failedLogins(nowMs, 1)];
  }

  /** About `count` lines of ordinary traffic: mostly requests, now and then an error or a failed login. */
  mix(nowMs: number, count: number): DemoLine[] {
    const lines: DemoLine[] = [];
    while (lines.length < count) {
      const r = this.random();
      if (r < 0.7) lines.push(...this.request(nowMs, 'router'));
      else if (r < 0.85) lines.push(...(this.syslog ? this.railsRequest(nowMs) : this.request(nowMs, 'router')));
      else if (r < 0.93) lines.push(this.appLine(nowMs, this.pick(this.dynos), this.appMessage(nowMs)));
      else if (r < 0.96) lines.push(...this.request(nowMs, 'router-5xx'));
      else if (r < 0.98) lines.push(...this.request(nowMs, 'h12'));
      else lines.push(...this.failedLogins(nowMs, 1));
    }
    return lines;
  }

  /**
   * Failed logins from one address, as password guessing looks: sshd on the bastion (UDP) and
   * the app's own sign-in view (drain; all of them without syslog). `count` ≥ FAILED_LOGIN_BURST
   * fires the burst alert.
   */
  failedLogins(nowMs: number, count: number): DemoLine[] {
    const from = this.address('203.0.113');
    const lines: DemoLine[] = [];
    for (let i = 0; i < count; i++) {
      const user = this.pick(USERS);
      if (i % 3 === 2 || !this.syslog) {
        lines.push(this.appLine(nowMs, 'web.1', `${this.pythonTime(nowMs)} WARNING [accounts.auth] Login failed for user '${user}' from ${from}: invalid password`, 'failed-login'));
      } else {
        const pid = 20000 + this.next() * 7;
        const port = 30000 + ((this.next() * 37) % 30000);
        lines.push({ path: 'udp', kind: 'failed-login', line: `<${PRI.authpriv}>${bsdTime(nowMs)} bastion sshd[${pid}]: Failed password for invalid user ${user} from ${from} port ${port} ssh2` });
      }
    }
    return lines;
  }

  /** A deploy as Heroku logs it: the build's release (app/api), then the dynos restarting. */
  deploy(nowMs: number): DemoLine[] {
    const release = ++this.release;
    const commit = this.hex(7);
    const who = this.pick(EMAILS);
    const lines: DemoLine[] = [
      this.drainLine(nowMs, PRI.app, 'app', 'api', `Build started by user ${who}`, 'deploy'),
      this.drainLine(nowMs, PRI.app, 'app', 'api', `Deploy ${commit} by user ${who}`, 'deploy'),
      this.drainLine(nowMs, PRI.app, 'app', 'api', `Release v${release} created by user ${who}`, 'deploy'),
    ];
    for (const dyno of this.dynos) {
      lines.push(
        this.drainLine(nowMs, PRI.heroku, 'heroku', dyno, 'Restarting', 'dyno'),
        this.drainLine(nowMs, PRI.heroku, 'heroku', dyno, 'State changed from up to starting', 'dyno'),
        this.drainLine(nowMs, PRI.heroku, 'heroku', dyno, 'Stopping all processes with SIGTERM', 'dyno'),
        this.drainLine(nowMs, PRI.heroku, 'heroku', dyno, 'Starting process with command `gunicorn shop.wsgi --log-file -`', 'dyno'),
        this.drainLine(nowMs, PRI.heroku, 'heroku', dyno, 'State changed from starting to up', 'dyno'),
      );
    }
    return lines;
  }

  /** A request through the Heroku router, with what the app logged for it. */
  private request(nowMs: number, kind: 'router' | 'router-5xx' | 'h12'): DemoLine[] {
    const dyno = this.pick(this.dynos);
    const id = this.requestId();
    const fwd = this.address('198.51.100');
    const method = kind === 'router' && this.random() < 0.2 ? 'POST' : 'GET';
    const path = kind === 'h12' ? this.pick(SLOW_PATHS) : kind === 'router-5xx' ? '/checkout' : this.path();
    const connect = Math.floor(this.random() * 3);
    const host = `${this.app}.herokuapp.com`;
    const common = `method=${method} path="${path}" host=${host} request_id=${id} fwd="${fwd}" dyno=${dyno} connect=${connect}ms`;
    if (kind === 'h12') {
      // Heroku cuts the request at 30 s and answers 503 itself (Error codes: H12 Request timeout).
      return [this.drainLine(nowMs, PRI.router, 'heroku', 'router', `at=error code=H12 desc="Request timeout" ${common} service=30000ms status=503 bytes=0 protocol=https`, 'h12')];
    }
    if (kind === 'router-5xx') {
      return [...this.traceback(nowMs, dyno, path), this.drainLine(nowMs, PRI.router, 'heroku', 'router', `at=info ${common} service=${this.int(300, 3500)}ms status=500 bytes=${this.int(100, 400)} protocol=https`, 'router-5xx')];
    }
    const status = this.random() < 0.08 ? 404 : this.random() < 0.05 ? 302 : 200;
    return [
      this.appLine(nowMs, dyno, `${this.pythonTime(nowMs)} INFO [${this.pick(MODULES)}] ${method} ${path} ${status} request_id=${id}`),
      this.drainLine(nowMs, PRI.router, 'heroku', 'router', `at=info ${common} service=${this.int(2, 400)}ms status=${status} bytes=${this.int(200, 40000)} protocol=https`, 'router'),
    ];
  }

  /** Python's logging.exception(): the message, then the traceback, each line a line of its own. */
  private traceback(nowMs: number, dyno: string, path: string): DemoLine[] {
    const elapsed = this.int(3000, 3500);
    const order = this.next();
    const text = [
      `${this.pythonTime(nowMs)} ERROR [django.request] Internal Server Error: ${path}`,
      'Traceback (most recent call last):',
      '  File "/app/.heroku/python/lib/python3.12/site-packages/django/core/handlers/exception.py", line 55, in inner',
      '    response = get_response(request)',
      '  File "/app/shop/views.py", line 88, in checkout',
      '    charge = payments.charge(order, card)',
      '  File "/app/payments/stripe.py", line 41, in charge',
      '    raise PaymentGatewayError(f"gateway timeout after {elapsed}ms (order {order.id})")',
      `payments.stripe.PaymentGatewayError: gateway timeout after ${elapsed}ms (order ${order})`,
    ];
    return text.map((t) => this.appLine(nowMs, dyno, t, 'traceback'));
  }

  /** A Rails request on the billing host, logged with Rails' colours (ESC sequences and all). */
  private railsRequest(nowMs: number): DemoLine[] {
    const id = this.next();
    const ip = this.address('10.0.4');
    const ms = this.int(1, 40) / 10;
    const lines = [
      `Started GET "/invoices/${id}" for ${ip}`,
      `Processing by InvoicesController#show as HTML`,
      `  \x1b[1m\x1b[36mInvoice Load (${ms}ms)\x1b[0m  \x1b[1m\x1b[34mSELECT "invoices".* FROM "invoices" WHERE "invoices"."id" = $1 LIMIT $2\x1b[0m  [["id", ${id}], ["LIMIT", 1]]`,
      `Completed \x1b[32m200 OK\x1b[0m in ${this.int(5, 90)}ms (Views: ${this.int(1, 30)}.${this.int(0, 9)}ms | ActiveRecord: ${ms}ms)`,
    ];
    const pid = 4000 + (id % 50);
    return lines.map((t) => ({ path: 'tcp' as const, kind: t.includes('\x1b') ? ('ansi' as const) : ('app' as const), line: `<${PRI.rails}>1 ${isoTime(nowMs)} billing-1 rails ${pid} - - ${t}` }));
  }

  private appMessage(nowMs: number): string {
    const r = this.random();
    if (r < 0.4) return `${this.pythonTime(nowMs)} INFO [celery.worker] Task shop.tasks.send_receipt[${this.uuid()}] succeeded in ${this.int(10, 900) / 1000}s`;
    if (r < 0.7) return `${this.pythonTime(nowMs)} DEBUG [shop.cart] cart ${this.next()} has ${this.int(1, 9)} items`;
    if (r < 0.9) return `${this.pythonTime(nowMs)} WARNING [shop.views] slow query: ${this.int(1200, 4000)}ms for order ${this.next()}`;
    return `${this.pythonTime(nowMs)} ERROR [payments.stripe] card declined for order ${this.next()}: insufficient_funds`;
  }

  private appLine(nowMs: number, dyno: string, message: string, kind: DemoKind = 'app'): DemoLine {
    return this.drainLine(nowMs, PRI.app, 'app', dyno, message, kind);
  }

  /** A logplex frame's line: RFC 5424 without STRUCTURED-DATA, HOSTNAME the literal `host`. */
  private drainLine(nowMs: number, pri: number, appName: string, procId: string, message: string, kind: DemoKind): DemoLine {
    return { path: 'drain', kind, line: `<${pri}>1 ${isoTime(nowMs)} host ${appName} ${procId} - ${message}` };
  }

  private path(): string {
    return this.pick(PATHS)
      .replace(':id', String(this.next()))
      .replace(':word', this.pick(WORDS))
      .replace(':hex', this.hex(8));
  }

  private pythonTime(nowMs: number): string {
    // logging's default asctime: `2026-05-30 16:24:40,438`.
    return new Date(nowMs).toISOString().replace('T', ' ').replace('.', ',').slice(0, 23);
  }

  /** A fresh number each call: order ids, pids and ports never repeat within a run. */
  private next(): number {
    return 1000 + ++this.serial;
  }

  private requestId(): string {
    return this.uuid();
  }

  /**
   * A version-4-shaped UUID whose last group is the serial scrambled by an odd multiplier modulo
   * 2^48 (a bijection): random-looking, as real ids are for compression, yet never repeated.
   */
  private uuid(): string {
    const last = (BigInt(this.next()) * 0x5deece66dn) % 0x1000000000000n;
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-a${this.hex(3)}-${last.toString(16).padStart(12, '0')}`;
  }

  private hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.random() * 16).toString(16);
    return s;
  }

  private address(prefix: string): string {
    return `${prefix}.${this.int(2, 254)}`;
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }
}

/** RFC 5424 TIMESTAMP as Heroku writes it: microseconds and a numeric offset. */
function isoTime(nowMs: number): string {
  return new Date(nowMs).toISOString().replace('Z', '000+00:00');
}

/** RFC 3164 TIMESTAMP (`Dec  6 00:10:01`, day space-padded), in UTC as the server assumes by default. */
function bsdTime(nowMs: number): string {
  const d = new Date(nowMs);
  const month = d.toUTCString().slice(8, 11);
  return `${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
}
