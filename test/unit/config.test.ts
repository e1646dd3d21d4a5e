import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';

function publicUrl(env: Record<string, string>, argv: string[] = []): string {
  const r = loadConfig(env, argv);
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.config.publicUrl;
}

describe('DRIFTWOOD_PUBLIC_URL', () => {
  it('defaults to localhost on the HTTP port, so printed drain URLs work', () => {
    expect(publicUrl({})).toBe('http://localhost:8080');
    expect(publicUrl({ DRIFTWOOD_HTTP_PORT: '18080' })).toBe('http://localhost:18080');
    expect(publicUrl({}, ['--http-port', '9000'])).toBe('http://localhost:9000');
  });

  it('is taken as given, without a trailing slash, when set', () => {
    expect(publicUrl({ DRIFTWOOD_HTTP_PORT: '18080', DRIFTWOOD_PUBLIC_URL: 'https://logs.example.com/' })).toBe('https://logs.example.com');
    expect(publicUrl({ DRIFTWOOD_PUBLIC_URL: 'https://a.example' }, ['--public-url', 'https://b.example'])).toBe('https://b.example');
  });

  it('rejects what is not an http(s) URL', () => {
    const r = loadConfig({ DRIFTWOOD_PUBLIC_URL: 'ftp://x' }, []);
    expect(r.ok ? [] : r.problems).toEqual(['DRIFTWOOD_PUBLIC_URL: "ftp://x" is not an http(s) URL']);
  });
});
