// The config file (DRIFTWOOD_CONFIG / --config): KEY=VALUE lines in the syntax of systemd's
// EnvironmentFile= (systemd.exec(5)), so one file serves both `EnvironmentFile=` and Driftwood.
// Pure: text in, entries and problems out; the caller reads the file and checks the keys.

export interface EnvFileEntry {
  key: string;
  value: string;
  line: number;
}

export interface EnvFile {
  entries: EnvFileEntry[];
  problems: { line: number; message: string }[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Blank lines and lines starting with `#` or `;` are ignored. A value is taken as written (trimmed),
 * or quoted: '…' literally, "…" with `\"`, `\\` and `\n` escapes. As in systemd, a `#` after a
 * value is part of it, not a comment.
 */
export function parseEnvFile(text: string): EnvFile {
  const file: EnvFile = { entries: [], problems: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const eq = trimmed.indexOf('=');
    const key = eq === -1 ? '' : trimmed.slice(0, eq).trim();
    if (!KEY.test(key)) {
      file.problems.push({ line, message: `expected KEY=VALUE, got ${JSON.stringify(trimmed.slice(0, 80))}` });
      return;
    }
    const value = unquote(trimmed.slice(eq + 1).trim());
    if (typeof value === 'string') file.entries.push({ key, value, line });
    else file.problems.push({ line, message: `${key}: ${value.problem}` });
  });
  return file;
}

function unquote(raw: string): string | { problem: string } {
  const quote = raw[0];
  if (quote !== '"' && quote !== "'") return raw;
  let value = '';
  for (let i = 1; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === quote) return i === raw.length - 1 ? value : { problem: `unexpected text after the closing ${quote}: ${JSON.stringify(raw.slice(i + 1))}` };
    if (c === '\\' && quote === '"' && i + 1 < raw.length) {
      const next = raw[++i]!;
      value += next === 'n' ? '\n' : next === '"' || next === '\\' ? next : `\\${next}`;
    } else value += c;
  }
  return { problem: `the ${quote} that opens the value is never closed` };
}
