// Where alert webhooks may connect. Any member can set a webhook URL, so without a check the
// server would POST wherever it can reach: loopback services, the private network, the cloud
// metadata endpoint (169.254.169.254). Internal addresses are refused unless DRIFTWOOD_WEBHOOK_ALLOW
// names them. The check runs on the addresses actually connected to (the DNS answer at connect
// time, or the literal IP), so a name that resolves elsewhere later (DNS rebinding) gains nothing.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent } from 'undici';
import { allowList } from '../ingest/allow.ts';

const INTERNAL = new BlockList();
// Unspecified, private (RFC 1918), shared (CGNAT), loopback, link-local, IETF protocol
// assignments, benchmarking, multicast and reserved.
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3],
] as const) INTERNAL.addSubnet(net, bits, 'ipv4');
// Unspecified, loopback, NAT64 (reaches IPv4 hosts), unique-local, link-local, multicast.
// IPv4-mapped addresses (::ffff:a.b.c.d) are checked by BlockList against the IPv4 rules.
for (const [net, bits] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) INTERNAL.addSubnet(net, bits, 'ipv6');

export type AddressCheck = (ip: string) => boolean;

/** DRIFTWOOD_WEBHOOK_ALLOW: the internal addresses webhooks may reach; none when empty. */
export function internalAllowed(cidrs: readonly string[]): AddressCheck {
  return cidrs.length ? allowList(cidrs) : () => false;
}

export function isInternal(ip: string): boolean {
  return INTERNAL.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

export class EgressRefused extends Error {
  readonly code = 'EGRESS_REFUSED';
  constructor(host: string, address: string) {
    super(host === address ? `${address} is an internal address` : `${host} resolves to ${address}, an internal address`);
  }
}

/** Why connecting to this URL's literal IP is refused, if it is; names are checked at connect time. */
export function refusedLiteral(url: URL, allowed: AddressCheck): EgressRefused | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) && isInternal(host) && !allowed(host) ? new EgressRefused(host, host) : undefined;
}

/** An HTTP client connection pool whose DNS lookups refuse internal addresses not allowed. */
export function guardedAgent(allowed: AddressCheck): Agent {
  const lookup = (hostname: string, options: { all?: boolean }, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const refused = addresses.find((a) => isInternal(a.address) && !allowed(a.address));
      if (refused) return callback(new EgressRefused(hostname, refused.address), '');
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  return new Agent({ connect: { lookup: lookup as never } });
}
