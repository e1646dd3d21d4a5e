// Syslog over UDP (RFC 5426): one message per datagram. UDP cannot push back, so when the writer
// is behind, datagrams are dropped and counted (driftwood_events_dropped_total), never hidden.
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { makeAllowGate, submitFrames, type SyslogContext } from './syslog-context.ts';

const RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024; // absorbs bursts while a commit runs

export function startUdp(ctx: SyslogContext, host: string, port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: RECEIVE_BUFFER_BYTES });
  const allowed = makeAllowGate(ctx);
  socket.on('message', (msg, rinfo) => {
    if (!allowed(rinfo.address, 'udp')) return;
    if (ctx.pipeline.overloaded) {
      ctx.metrics.inc('driftwood_events_dropped_total', 'events dropped because the writer was behind', { transport: 'udp' });
      return;
    }
    submitFrames(ctx, [msg], rinfo.address, 'udp').catch((e: Error) => ctx.log.error(`udp ${rinfo.address}: ${e.message}`));
  });
  socket.on('error', (e) => ctx.log.error(`udp socket: ${e.message}`));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}
