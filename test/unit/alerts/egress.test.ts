import { describe, expect, it } from 'vitest';
import { internalAllowed, isInternal, refusedLiteral } from '../../../server/alerts/egress.ts';

describe('isInternal', () => {
  const f = (ip: string, want: boolean) => expect([ip, isInternal(ip)]).toEqual([ip, want]);
  it('knows the addresses a webhook must not reach by default', () => {
    for (const ip of ['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255']) f(ip, true);
    for (const ip of ['::1', '::', 'fd00::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::a00:1']) f(ip, true);
  });
  it('lets public addresses through', () => {
    for (const ip of ['8.8.8.8', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2606:4700::1111', '2001:4860:4860::8888']) f(ip, false);
  });
});

describe('refusedLiteral', () => {
  it('refuses literal internal IPs in URLs unless allowed; names wait for the connect-time check', () => {
    const none = internalAllowed([]);
    expect(refusedLiteral(new URL('http://127.0.0.1:8080/hook'), none)?.message).toBe('127.0.0.1 is an internal address');
    expect(refusedLiteral(new URL('http://[::1]/hook'), none)?.message).toBe('::1 is an internal address');
    expect(refusedLiteral(new URL('http://127.0.0.1:8080/hook'), internalAllowed(['127.0.0.0/8']))).toBeUndefined();
    expect(refusedLiteral(new URL('https://hooks.example.com/x'), none)).toBeUndefined();
    expect(refusedLiteral(new URL('https://8.8.8.8/x'), none)).toBeUndefined();
  });
});
