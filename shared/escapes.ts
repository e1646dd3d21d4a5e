// Terminal escape sequences in log messages (ANSI colours from `heroku local`, Rails, most CLIs).
// Search matches the text a reader sees, without them: `Invoice` is found in `ESC[36mInvoice`,
// where a word index would otherwise see the token `36minvoice`. Used by the in-memory matcher,
// the SQL functions and the full-text index's input alike, so the back ends agree, and by the web
// UI for what its ANSI parser leaves over.

/** ECMA-48 sequences: OSC (titles, hyperlinks) up to BEL or ST, CSI (SGR colours, cursor moves), and a lone ESC with its one following byte. */
export const ESCAPE_SEQUENCE = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b\[[0-?]*[ -/]*[@-~]|\u001b[@-_]?/g;

/** The text without escape sequences; the same string when it has none (most lines). */
export function withoutEscapes(text: string): string {
  return text.includes('\u001b') ? text.replace(ESCAPE_SEQUENCE, '') : text;
}
