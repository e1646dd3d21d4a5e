// Quotes a value for a logfmt line so that it reads back as one value and cannot start a new line
// or inject terminal escapes (log injection).
// C0, DEL, C1 (ESC starts ANSI sequences), and the Unicode line and paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Control characters as visible escapes (\n, \r, \x1b): what the value reads back as from the line. */
export function neutralize(value: string): string {
  return value.replace(CONTROL, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

export function logfmtValue(value: string): string {
  const safe = neutralize(value);
  return /^[^\s"=\\]+$/.test(safe) ? safe : `"${safe.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
