// One message as text: ANSI colours as styled spans, the query's matches marked. React text nodes
// only — a message is never HTML. The work is done once per message and query (memo).
import { memo, type CSSProperties, type ReactNode } from 'react';
import { ansiSegments, type AnsiSegment } from '../lib/ansi.ts';
import type { Highlighter } from '../lib/highlight.ts';

function style(seg: AnsiSegment): CSSProperties | undefined {
  if (!seg.fg && !seg.bg && !seg.bold && !seg.dim && !seg.italic && !seg.underline) return undefined;
  return {
    color: seg.fg,
    backgroundColor: seg.bg,
    fontWeight: seg.bold ? 700 : undefined,
    opacity: seg.dim ? 0.7 : undefined,
    fontStyle: seg.italic ? 'italic' : undefined,
    textDecoration: seg.underline ? 'underline' : undefined,
  };
}

export const Message = memo(function Message({ text, highlighter }: { text: string; highlighter: Highlighter }) {
  const segments = ansiSegments(text);
  const plain = segments.map((s) => s.text).join('');
  const marks = highlighter.ranges(plain);
  const out: ReactNode[] = [];
  let at = 0; // offset of the current segment in `plain`
  let m = 0;
  segments.forEach((seg, si) => {
    const st = style(seg);
    const end = at + seg.text.length;
    let pos = at;
    const pieces: ReactNode[] = [];
    while (pos < end) {
      while (m < marks.length && marks[m]![1] <= pos) m++;
      const mark = marks[m];
      if (!mark || mark[0] >= end) {
        pieces.push(plain.slice(pos, end));
        pos = end;
      } else if (mark[0] > pos) {
        pieces.push(plain.slice(pos, mark[0]));
        pos = mark[0];
      } else {
        const stop = Math.min(mark[1], end);
        pieces.push(<mark key={pos}>{plain.slice(pos, stop)}</mark>);
        pos = stop;
      }
    }
    out.push(
      st ? (
        <span key={si} style={st} className="ansi">
          {pieces}
        </span>
      ) : (
        pieces.length === 1 && typeof pieces[0] === 'string' ? pieces[0] : <span key={si}>{pieces}</span>
      ),
    );
    at = end;
  });
  return <>{out}</>;
});
