// The demo's line generator: reproducible from its seed, unique where production lines are, and
// every line parses to what the demo claims it is (the real parser, with the clock passed in).
import { describe, expect, it } from 'vitest';
import { DemoTraffic, FAILED_LOGIN_BURST, type DemoLine } from '../../../server/demo/traffic.ts';
import { parseSyslog } from '../../../server/parse/syslog.ts';

const NOW = Date.parse('2026-12-06T09:24:40.438Z');
const opts = { maxMessageBytes: 65536, timeZone: 'UTC', now: new Date(NOW) };
const parse = (l: DemoLine) => {
  const p = parseSyslog(l.line, { ...opts, heroku: l.path === 'drain' });
  return { hostname: p.hostname, program: p.program, facility: p.facility, severity: p.severity, generatedAt: p.generatedAt, message: p.message, fields: p.fields };
};

describe('DemoTraffic', () => {
  it('gives the same lines for the same seed and other lines for another', () => {
    const lines = (seed: number) => new DemoTraffic({ seed }).mix(NOW, 200).map((l) => l.line);
    expect(lines(1)).toEqual(lines(1));
    expect(lines(2)).not.toEqual(lines(1));
  });

  it('never repeats a request id, even across many thousand requests', () => {
    const ids = new DemoTraffic({ seed: 3 })
      .mix(NOW, 20_000)
      .filter((l) => l.kind === 'router' || l.kind === 'h12' || l.kind === 'router-5xx')
      .map((l) => parse(l).fields.request_id);
    expect(ids.length).toBeGreaterThan(5000);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('frames each kind as its sender does', () => {
    const lines = new DemoTraffic({ seed: 4 }).everyKind(NOW);
    const f = (kind: DemoLine['kind'], want: object) => {
      const line = lines.find((l) => l.kind === kind)!;
      expect({ kind, ...parse(line) }).toMatchObject({ kind, ...want });
    };
    f('router', { program: 'heroku/router', severity: 6, generatedAt: NOW, fields: { at: 'info', status: expect.stringMatching(/^[23]0[02]$|^404$/) } });
    f('h12', { program: 'heroku/router', severity: 3, fields: { code: 'H12', status: '503', service: '30000ms' } });
    f('router-5xx', { program: 'heroku/router', fields: { status: '500' } });
    f('traceback', { program: expect.stringMatching(/^app\/web\.\d$/), severity: 3, message: expect.stringMatching(/ERROR \[django.request\] Internal Server Error: \/checkout$/) });
    f('deploy', { program: 'app/api', message: expect.stringMatching(/^Build started by user /) });
    f('dyno', { program: expect.stringMatching(/^heroku\/web\.\d$/), message: 'Restarting' });
    f('ansi', { hostname: 'billing-1', program: 'rails', message: expect.stringContaining('\x1b[36m') });
    f('failed-login', { hostname: 'bastion', program: 'sshd', facility: 10, message: expect.stringMatching(/^Failed password for invalid user \w+ from 203\.0\.113\.\d+ port \d+ ssh2$/) });
    // The traceback's lines go out one per frame, as Heroku sends a multi-line write.
    const trace = lines.filter((l) => l.kind === 'traceback').map((l) => parse(l).message);
    expect(trace[1]).toBe('Traceback (most recent call last):');
    expect(trace.at(-1)).toMatch(/^payments\.stripe\.PaymentGatewayError: gateway timeout after \d+ms/);
  });

  it('sends a burst of failed logins from one address, over UDP and through the drain', () => {
    const burst = new DemoTraffic({ seed: 5 }).failedLogins(NOW, FAILED_LOGIN_BURST);
    expect(burst).toHaveLength(FAILED_LOGIN_BURST);
    expect(new Set(burst.map((l) => /from (203\.0\.113\.\d+)/.exec(l.line)![1])).size).toBe(1);
    expect(new Set(burst.map((l) => l.path))).toEqual(new Set(['udp', 'drain']));
  });

  it('without syslog, everything goes through the drain, the burst of failed logins too', () => {
    const traffic = new DemoTraffic({ seed: 6, syslog: false });
    const lines = [...traffic.everyKind(NOW), ...traffic.mix(NOW, 500), ...traffic.failedLogins(NOW, FAILED_LOGIN_BURST)];
    expect(new Set(lines.map((l) => l.path))).toEqual(new Set(['drain']));
    expect(lines.filter((l) => l.kind === 'failed-login').length).toBeGreaterThanOrEqual(FAILED_LOGIN_BURST);
  });
});
