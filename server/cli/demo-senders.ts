// The three ways `driftwood demo` sends, as real senders do: Heroku's logplex POSTs to an HTTPS
// drain, syslog over TCP with octet counting (rsyslog, syslog-ng), and syslog datagrams over UDP.
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';

export class SendError extends Error {}

/** Statuses Heroku retries (DESIGN 3: back-pressure answers 429 or 503): keep the batch for the next try. */
const RETRYABLE = new Set([429, 503]);

export class DrainSender {
  /** A batch the server asked to have again: retried alone, with its Logplex-Frame-Id, as Logplex does. */
  private retry?: { lines: string[]; frameId: string };
  private backlog: string[] = [];

  constructor(private readonly url: string) {}

  /** POSTs `lines` as one logplex-1 batch (after any batch to retry); returns how many lines were stored. */
  async send(lines: string[]): Promise<number> {
    this.backlog.push(...lines);
    let stored = 0;
    if (this.retry) {
      if (!(await this.post(this.retry))) return 0;
      stored += this.retry.lines.length;
      this.retry = undefined;
    }
    if (this.backlog.length === 0) return stored;
    const batch = { lines: this.backlog, frameId: randomUUID() };
    this.backlog = [];
    if (await this.post(batch)) return stored + batch.lines.length;
    this.retry = batch;
    return stored;
  }

  /** true when stored; false when the server asks for it again later; throws on any other answer. */
  private async post(batch: { lines: string[]; frameId: string }): Promise<boolean> {
    // RFC 6587 octet counting, frames back to back, as Logplex sends them.
    const body = batch.lines.map((l) => `${Buffer.byteLength(l)} ${l}`).join('');
    const headers = { 'content-type': 'application/logplex-1', 'logplex-msg-count': String(batch.lines.length), 'logplex-frame-id': batch.frameId, 'user-agent': 'driftwood-demo (Logplex-like)' };
    let res: Response;
    try {
      res = await fetch(this.url, { method: 'POST', headers, body });
      await res.arrayBuffer();
    } catch (e) {
      throw new SendError(`cannot POST to the drain ${redact(this.url)}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`);
    }
    if (RETRYABLE.has(res.status)) return false;
    if (res.status !== 204 && res.status !== 200) throw new SendError(`the drain ${redact(this.url)} answered ${res.status}${res.status === 401 ? ': unknown drain token (driftwood drain list)' : ''}`);
    return true;
  }
}

export class TcpSender {
  private constructor(private readonly socket: net.Socket) {}

  static connect(host: string, port: number): Promise<TcpSender> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        socket.on('error', () => {}); // a later error surfaces as a failed write below
        resolve(new TcpSender(socket));
      });
      socket.once('error', (e) => reject(new SendError(`cannot connect to syslog TCP ${host}:${port}: ${e.message}`)));
    });
  }

  /** RFC 6587 §3.4.1 octet counting: MSG-LEN SP SYSLOG-MSG, so a message may hold any byte. */
  async send(lines: string[]): Promise<number> {
    if (lines.length === 0) return 0;
    if (this.socket.destroyed) throw new SendError('the syslog TCP connection was closed by the server');
    const ok = this.socket.write(lines.map((l) => `${Buffer.byteLength(l)} ${l}`).join(''));
    if (!ok) await new Promise((resolve) => this.socket.once('drain', resolve));
    return lines.length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.end(() => resolve()));
  }
}

export class UdpSender {
  private readonly socket = dgram.createSocket('udp4');

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** One datagram per line (RFC 5426 §3.1). */
  async send(lines: string[]): Promise<number> {
    for (const line of lines) {
      await new Promise<void>((resolve, reject) =>
        this.socket.send(Buffer.from(line), this.port, this.host, (e) => (e ? reject(new SendError(`cannot send syslog UDP to ${this.host}:${this.port}: ${e.message}`)) : resolve())),
      );
    }
    return lines.length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** A drain URL without its token (the token is the drain's only secret). */
export function redact(url: string): string {
  return url.replace(/\/drains\/[^/?#]+/, '/drains/d.…').replace(/\/\/[^@/]*@/, '//');
}
