// One configuration reference: the option schema (server/config.ts), `driftwood serve --help` and
// docs/CONFIGURATION.md must say the same thing.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_FILE, configHelp, OPTIONS } from '../../server/config.ts';
import { configReference, REFERENCE_PATH } from '../../server/config-reference.ts';
import { runCli } from '../helpers/server.ts';
import { tmpDir } from '../helpers/tmp.ts';

describe('configuration reference', () => {
  it('docs/CONFIGURATION.md is what `npm run docs:config` generates from the schema (run it after changing an option)', () => {
    expect(readFileSync(REFERENCE_PATH, 'utf8')).toBe(configReference());
  });

  it('`driftwood serve --help` prints the text the reference shows, naming every option, variable and default', async () => {
    const help = await runCli(['serve', '--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(configHelp());
    expect(readFileSync(REFERENCE_PATH, 'utf8')).toContain('```text\n' + help.stdout + '```');
    for (const o of [CONFIG_FILE, ...OPTIONS]) {
      expect(help.stdout).toContain(`env ${o.env}`);
      expect(help.stdout).toMatch(new RegExp(`^  ${o.flag} <`, 'm'));
    }
    for (const o of OPTIONS.filter((o) => o.default)) expect(help.stdout).toContain(`env ${o.env}, default "${o.default}"`);
  });

  it('`driftwood serve` with a config file naming an unknown setting stops at once and says which line', async () => {
    const dir = tmpDir();
    try {
      const path = join(dir.path, 'driftwood.env');
      writeFileSync(path, `DRIFTWOOD_DATA_DIR=${dir.path}\nDRIFTWOOD_RETENTION=30\n`);
      const run = await runCli(['serve'], { DRIFTWOOD_CONFIG: path });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`driftwood: ${path}:2: DRIFTWOOD_RETENTION is not a Driftwood setting (see driftwood serve --help)\n`);
    } finally {
      dir.cleanup();
    }
  });
});
