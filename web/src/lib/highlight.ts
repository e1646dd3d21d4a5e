// Which parts of a message a search matched, to mark them in the stream: the positive terms,
// phrases and `message:` values of the query (DESIGN 5: from a word start, case-insensitive) and
// its regular expressions. Negated parts match nothing to mark. Computed once per query.
import type { QueryNode } from '../../../shared/query/ast.ts';
import { wordStartIndexOf } from '../../../shared/query/match.ts';

export interface Highlighter {
  /** [start, end) ranges in `text`, sorted, not overlapping. */
  ranges(text: string): [number, number][];
}

const MAX_RANGES = 200; // a line full of `a`s need not become thousands of marks

export function highlighter(ast: QueryNode | undefined): Highlighter {
  const needles: string[] = [];
  const regexes: RegExp[] = [];
  const walk = (n: QueryNode, negated: boolean) => {
    switch (n.type) {
      case 'term':
      case 'phrase':
        if (!negated && n.value) needles.push(n.value.toLowerCase());
        return;
      case 'attr':
        if (!negated && n.name === 'message') needles.push(...n.values.filter(Boolean).map((v) => v.toLowerCase()));
        return;
      case 'regex':
        if (!negated) {
          try {
            regexes.push(new RegExp(n.source, 'giu'));
          } catch {
            // The server accepted it under its own flags; nothing to mark here then.
          }
        }
        return;
      case 'and':
      case 'or':
        n.children.forEach((c) => walk(c, negated));
        return;
      case 'not':
        walk(n.child, !negated);
        return;
      default:
        return;
    }
  };
  if (ast) walk(ast, false);
  if (needles.length === 0 && regexes.length === 0) return { ranges: () => [] };
  return {
    ranges(text) {
      const lower = text.toLowerCase();
      const found: [number, number][] = [];
      for (const needle of needles) {
        for (let at = wordStartIndexOf(lower, needle, 0); at !== -1 && found.length < MAX_RANGES; at = wordStartIndexOf(lower, needle, at + 1)) {
          found.push([at, at + needle.length]);
        }
      }
      for (const re of regexes) {
        re.lastIndex = 0;
        for (let m = re.exec(text); m && found.length < MAX_RANGES; m = re.exec(text)) {
          if (m[0] === '') re.lastIndex++;
          else found.push([m.index, m.index + m[0].length]);
        }
      }
      return merge(found);
    },
  };
}

function merge(ranges: [number, number][]): [number, number][] {
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: [number, number][] = [];
  for (const r of ranges) {
    const last = out.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}
