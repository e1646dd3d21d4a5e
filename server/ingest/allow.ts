// DRIFTWOOD_SYSLOG_ALLOW: syslog senders must fall inside one of these CIDRs (empty list = all).
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export type AllowCheck = (ip: string) => boolean;

export function allowList(cidrs: readonly string[]): AllowCheck {
  if (cidrs.length === 0) return () => true;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [addr, bits] = cidr.split('/') as [string, string | undefined];
    const type = isIPv6(addr) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return (ip) => {
    // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d
    const v4 = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
    return list.check(v4, isIPv4(v4) ? 'ipv4' : 'ipv6');
  };
}
