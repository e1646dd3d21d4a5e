import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../server/config-file.ts';

describe('config file syntax (systemd EnvironmentFile)', () => {
  const f = (line: string, want: { value: string } | { problem: string }) => {
    const file = parseEnvFile(line);
    if ('value' in want) expect(file).toEqual({ entries: [{ key: 'K', value: want.value, line: 1 }], problems: [] });
    else expect(file).toEqual({ entries: [], problems: [{ line: 1, message: want.problem }] });
  };

  it('reads plain, single-quoted and double-quoted values', () => {
    f('K=v', { value: 'v' });
    f('  K = spaced value  ', { value: 'spaced value' });
    f('K=', { value: '' });
    f('K=a=b', { value: 'a=b' });
    f("K='a \\n # b'", { value: 'a \\n # b' });
    f('K="say \\"hi\\" \\\\ \\n"', { value: 'say "hi" \\ \n' });
    f('K="keeps \\x"', { value: 'keeps \\x' });
    f('K=value # not a comment', { value: 'value # not a comment' });
  });

  it('names the line of a quote that is never closed or of text that is not KEY=VALUE', () => {
    f('K="open', { problem: 'K: the " that opens the value is never closed' });
    f("K='open", { problem: "K: the ' that opens the value is never closed" });
    f("K='it''s'", { problem: `K: unexpected text after the closing ': "'s'"` });
    f('just words', { problem: 'expected KEY=VALUE, got "just words"' });
    f('=v', { problem: 'expected KEY=VALUE, got "=v"' });
    f('1K=v', { problem: 'expected KEY=VALUE, got "1K=v"' });
  });

  it('skips blank lines and # or ; comments, and counts lines from 1', () => {
    const file = parseEnvFile('# comment\n\n; also\r\nA=1\n  # indented\nB=2\n');
    expect(file.entries).toEqual([
      { key: 'A', value: '1', line: 4 },
      { key: 'B', value: '2', line: 6 },
    ]);
    expect(file.problems).toEqual([]);
  });
});
