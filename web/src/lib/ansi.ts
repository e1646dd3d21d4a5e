// ANSI SGR colours in log messages (`heroku local`, Rails, most CLIs) as styled text segments: anser
// parses the escape codes into plain objects, and the viewer draws each segment as a React text
// node with a style — never as an HTML string. 16-colour codes map to the theme's palette (CSS
// variables, legible on light and dark); 256-colour and 24-bit codes keep their exact RGB.
import Anser from 'anser';
import { withoutEscapes } from '../../../shared/escapes.ts';

export interface AnsiSegment {
  text: string;
  /** A CSS color: `var(--ansi-3)` or `rgb(255, 100, 0)`; undefined = the theme's text colour. */
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

// anser's 16-colour palette (lib/index.js ANSI_COLORS), normal then bright: index = SGR 30+i / 90+i.
const BASIC = ['0, 0, 0', '187, 0, 0', '0, 187, 0', '187, 187, 0', '0, 0, 187', '187, 0, 187', '0, 187, 187', '255,255,255', '85, 85, 85', '255, 85, 85', '0, 255, 0', '255, 255, 85', '85, 85, 255', '255, 85, 255', '85, 255, 255', '255, 255, 255'];

const ESC = '\u001b';
// Other C0 controls (but tab) shown as their visible Unicode pictures (U+2400 block).
const CONTROLS = /[\u0000-\u0008\u000a-\u001a\u001c-\u001f\u007f]/g;

function colour(rgb: string | null): string | undefined {
  if (!rgb) return undefined;
  const i = BASIC.indexOf(rgb);
  return i >= 0 ? `var(--ansi-${i})` : `rgb(${rgb})`;
}

export function visibleControls(text: string): string {
  return text.replace(CONTROLS, (c) => (c === '\u007f' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0))));
}

/** True when the text holds an escape sequence worth parsing (most lines do not). */
export function hasAnsi(text: string): boolean {
  return text.includes(ESC);
}

export function ansiSegments(text: string): AnsiSegment[] {
  if (!hasAnsi(text)) return [{ text: visibleControls(text) }];
  const parts = Anser.ansiToJson(text, { json: true, remove_empty: true, use_classes: false });
  const out: AnsiSegment[] = [];
  for (const p of parts) {
    // anser leaves OSC (titles, hyperlinks), other CSI sequences and lone ESCs: dropped, not shown.
    const clean = visibleControls(withoutEscapes(p.content));
    if (clean === '') continue;
    const seg: AnsiSegment = { text: clean };
    // anser has already swapped the colours of inverse video (SGR 7).
    const fg = colour(p.fg);
    const bg = colour(p.bg);
    if (fg) seg.fg = fg;
    if (bg) seg.bg = bg;
    for (const d of p.decorations) {
      if (d === 'bold') seg.bold = true;
      else if (d === 'dim') seg.dim = true;
      else if (d === 'italic') seg.italic = true;
      else if (d === 'underline') seg.underline = true;
    }
    out.push(seg);
  }
  return out;
}

/** The message without escape codes: what search matched and what "copy" should give. */
export function stripAnsi(text: string): string {
  return ansiSegments(text).map((s) => s.text).join('');
}
