import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '../../server/config.ts';
import { tmpDir } from '../helpers/tmp.ts';

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

describe('the config file (DRIFTWOOD_CONFIG, --config)', () => {
  const withFile = (text: string, run: (path: string) => void) => {
    const dir = tmpDir();
    try {
      const path = join(dir.path, 'driftwood.env');
      writeFileSync(path, text);
      run(path);
    } finally {
      dir.cleanup();
    }
  };
  const problems = (env: Record<string, string>, argv: string[] = []) => {
    const r = loadConfig(env, argv);
    return r.ok ? [] : r.problems;
  };

  it('sets what the environment does not, and the environment and flags override it', () => {
    withFile('# production\nDRIFTWOOD_HTTP_PORT=9000\nDRIFTWOOD_RETENTION_DAYS=30\nDRIFTWOOD_MAIL_FROM="Driftwood <logs@example.com>"\n', (path) => {
      const fromFile = loadConfig({ DRIFTWOOD_CONFIG: path }, []);
      expect(fromFile.ok && [fromFile.config.httpPort, fromFile.config.retentionDays, fromFile.config.mailFrom, fromFile.config.publicUrl]).toEqual([9000, 30, 'Driftwood <logs@example.com>', 'http://localhost:9000']);
      // The server's start log says where its settings came from.
      expect(fromFile.ok && describeConfig(fromFile.config).slice(0, 3)).toEqual([`DRIFTWOOD_CONFIG=${path}`, 'DRIFTWOOD_DATA_DIR=./data', 'DRIFTWOOD_HTTP_HOST=0.0.0.0']);
      const overridden = loadConfig({ DRIFTWOOD_RETENTION_DAYS: '7' }, ['--config', path, '--http-port=9100']);
      expect(overridden.ok && [overridden.config.httpPort, overridden.config.retentionDays]).toEqual([9100, 7]);
    });
  });

  it('reports unknown keys (with the likely one), bad lines and bad values by file and line', () => {
    withFile('DRIFTWOOD_HTTP_PROT=9000\nDRIFTWOOD_HTTP_PORT=80a\nnot a setting\nDRIFTWOOD_SMTP_URL="smtp://x\nPATH=/bin\n', (path) => {
      expect(problems({ DRIFTWOOD_CONFIG: path })).toEqual([
        `${path}:3: expected KEY=VALUE, got "not a setting"`,
        `${path}:4: DRIFTWOOD_SMTP_URL: the " that opens the value is never closed`,
        `${path}:1: DRIFTWOOD_HTTP_PROT is not a Driftwood setting; did you mean DRIFTWOOD_HTTP_PORT? (see driftwood serve --help)`,
        `${path}:5: PATH is not a Driftwood setting (see driftwood serve --help)`,
        `${path}:2: DRIFTWOOD_HTTP_PORT: "80a" is not a port (0-65535)`,
      ]);
      // A bad value the environment overrides is not the server's problem.
      expect(problems({ DRIFTWOOD_CONFIG: path, DRIFTWOOD_HTTP_PORT: '9000' })).not.toContain(`${path}:2: DRIFTWOOD_HTTP_PORT: "80a" is not a port (0-65535)`);
    });
  });

  it('says so when the file cannot be read', () => {
    expect(problems({}, ['--config=/nonexistent/driftwood.env'])).toEqual([expect.stringMatching(/^DRIFTWOOD_CONFIG: cannot read "\/nonexistent\/driftwood.env": ENOENT/)]);
  });
});
