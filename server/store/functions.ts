// SQL functions registered on every connection, so that SQL and the in-memory matcher
// (shared/query/match.ts) apply the very same rules to text, wildcards, fields and regexes.
import type Database from 'better-sqlite3';
import { containsAtWordStart, numericValue, wildcardToRegExp } from '../../shared/query/match.ts';
import { withoutEscapes } from '../../shared/escapes.ts';
import { logfmtField, parseLogfmt } from '../../shared/logfmt.ts';

const CACHE_MAX = 256;
const cached = <T>(cache: Map<string, T>, key: string, make: () => T): T => {
  let v = cache.get(key);
  if (v === undefined) {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, (v = make()));
  }
  return v;
};

const wildcards = new Map<string, RegExp>();
const regexes = new Map<string, RegExp>();

/** The value of a field as DESIGN 2 defines fields: logfmt pairs of the message, then stored extras. */
export function fieldOf(message: string, extra: string | null, name: string): string | undefined {
  if (extra) {
    const stored = JSON.parse(extra) as Record<string, string>;
    if (Object.hasOwn(stored, name)) return stored[name];
  }
  // Cheap pre-check: most messages do not mention the field at all.
  if (!message.includes(`${name}=`)) return undefined;
  return logfmtField(message, name);
}

/**
 * fieldOf for several names at once, as the writer counts them (store/field-counts.ts): one logfmt
 * pass over the message, and only when it mentions one of the names (`marks`: each name + "=").
 */
export function fieldsNamed(message: string, extra: string | null, names: ReadonlySet<string>, marks: readonly string[]): Record<string, string> {
  const out = marks.some((m) => message.includes(m)) ? parseLogfmt(message, names) : {};
  if (extra) {
    const stored = JSON.parse(extra) as Record<string, string>;
    for (const name of names) if (Object.hasOwn(stored, name)) out[name] = stored[name]!;
  }
  return out;
}

export function registerFunctions(db: Database.Database): void {
  const opts = { deterministic: true, directOnly: true };
  // Text is matched as a reader sees it, without terminal escape sequences (shared/escapes.ts).
  const lower = (text: unknown): string => withoutEscapes(String(text ?? '')).toLowerCase();
  // dw_text(program, message, needle): a bare term in the program or message (needle lower-cased).
  db.function('dw_text', opts, (program: unknown, message: unknown, needle: unknown) =>
    containsAtWordStart(lower(program), String(needle)) || containsAtWordStart(lower(message), String(needle)) ? 1 : 0,
  );
  db.function('dw_contains', opts, (text: unknown, needle: unknown) => (containsAtWordStart(lower(text), String(needle)) ? 1 : 0));
  // dw_plain(text): what the full-text index is given (store/indexer.ts), so its tokens are the words shown.
  db.function('dw_plain', opts, (text: unknown) => withoutEscapes(String(text ?? '')));
  db.function('dw_wild', opts, (value: unknown, pattern: unknown) =>
    cached(wildcards, String(pattern), () => wildcardToRegExp(String(pattern))).test(String(value ?? '').toLowerCase()) ? 1 : 0,
  );
  db.function('dw_regex', opts, (message: unknown, source: unknown) =>
    cached(regexes, String(source), () => new RegExp(String(source), 'i')).test(withoutEscapes(String(message))) ? 1 : 0,
  );
  // dw_num(message, extra, field): the field's number, NULL when absent, empty or not a number.
  db.function('dw_num', opts, (message: unknown, extra: unknown, field: unknown) => {
    const raw = fieldOf(String(message), (extra as string | null) ?? null, String(field));
    return raw === undefined ? null : (numericValue(raw) ?? null);
  });
}
