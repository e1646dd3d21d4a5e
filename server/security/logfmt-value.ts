// Quotes a value for a logfmt line so that it reads back as one value and cannot start a new line
// or inject terminal escapes (log injection).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function logfmtValue(value: string): string {
  const safe = value.replace(CONTROL, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return /^[^\s"=\\]+$/.test(safe) ? safe : `"${safe.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
