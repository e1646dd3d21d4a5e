// Real clients for the listeners: UDP datagrams, TCP/TLS streams, HTTPS-drain POSTs.
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';

export function sendUdp(port: number, lines: string[]): Promise<void> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    let pending = lines.length;
    for (const line of lines) {
      socket.send(Buffer.from(line), port, '127.0.0.1', (err) => {
        if (err) return reject(err);
        if (--pending === 0) socket.close(() => resolve());
      });
    }
  });
}

/** Writes the chunks with a pause between them (so they arrive as separate reads), then ends. */
export async function sendTcp(port: number, chunks: (string | Buffer)[], opts: { tls?: boolean; pauseMs?: number } = {}): Promise<void> {
  const socket: net.Socket = opts.tls
    ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
    : net.connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    socket.once(opts.tls ? 'secureConnect' : 'connect', () => resolve());
    socket.once('error', reject);
  });
  for (const chunk of chunks) {
    socket.write(chunk);
    await new Promise((r) => setTimeout(r, opts.pauseMs ?? 20));
  }
  await new Promise<void>((resolve) => socket.end(() => resolve()));
}

/** RFC 6587 octet counting: MSG-LEN SP SYSLOG-MSG. */
export function octetFrame(msg: string): string {
  return `${Buffer.byteLength(msg)} ${msg}`;
}

/** A logplex-1 body: octet-counted frames, no separator between them. */
export function logplexBody(frames: string[]): string {
  return frames.map(octetFrame).join('');
}
