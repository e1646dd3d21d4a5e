// Syslog over TCP and TLS (RFC 6587, RFC 5425). Each connection has its own framer; when the
// writer falls behind, the socket is paused so that TCP flow control reaches the sender.
import net from 'node:net';
import tls from 'node:tls';
import { createFrameSplitter } from './framing.ts';
import { makeAllowGate, submitFrames, type SyslogContext } from './syslog-context.ts';

const CONNECTIONS_MAX = 2000; // beyond this, new connections are refused (file descriptors)

export interface TcpOptions {
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer };
}

export interface TcpListener {
  port: number;
  /** Stops listening and ends open connections (syslog senders keep theirs open for days). */
  close(): Promise<void>;
}

export function startTcp(ctx: SyslogContext, opts: TcpOptions): Promise<TcpListener> {
  const sockets = new Set<net.Socket>();
  const transport = opts.tls ? 'tls' : 'tcp';
  const allowed = makeAllowGate(ctx);
  const onConnection = (socket: net.Socket) => {
    const ip = socket.remoteAddress ?? 'unknown';
    const peer = `${transport} ${ip}:${socket.remotePort}`;
    if (!allowed(ip, transport)) return socket.destroy();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setKeepAlive(true, 60_000);
    const splitter = createFrameSplitter({ maxFrameBytes: ctx.maxMessageBytes + 1024 });
    const handle = (outputs: ReturnType<typeof splitter.push>) => {
      const frames: Uint8Array[] = [];
      let fatal: string | undefined;
      for (const o of outputs) {
        if (o.kind === 'frame') frames.push(o.bytes);
        else {
          if (o.bytes) frames.push(o.bytes);
          ctx.log.warn(`${peer}: ${o.reason}`);
          ctx.metrics.inc('driftwood_syslog_framing_errors_total', 'TCP framing problems (wrong octet counts, oversized frames)', { transport });
          if (o.fatal) fatal = o.reason;
        }
      }
      if (frames.length) submitFrames(ctx, frames, ip, transport).catch((e: Error) => ctx.log.error(`${peer}: ${e.message}`));
      if (fatal) {
        ctx.log.warn(`${peer}: closing connection: ${fatal}`);
        socket.destroy();
      }
    };
    socket.on('data', (chunk) => {
      handle(splitter.push(chunk));
      if (ctx.pipeline.overloaded) {
        socket.pause();
        ctx.pipeline.whenDrained(() => socket.resume());
      }
    });
    socket.on('end', () => handle(splitter.end()));
    socket.on('error', (e) => ctx.log.warn(`${peer}: ${e.message}`));
  };
  const server = opts.tls ? tls.createServer({ cert: opts.tls.cert, key: opts.tls.key }, onConnection) : net.createServer(onConnection);
  server.maxConnections = CONNECTIONS_MAX;
  if (opts.tls) server.on('tlsClientError', (e) => ctx.log.warn(`tls handshake: ${e.message}`));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.end();
            setTimeout(() => sockets.forEach((s) => s.destroy()), 1000).unref();
          }),
      });
    });
  });
}
