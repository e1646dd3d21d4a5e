// The search syntax at a glance (DESIGN 5), with examples that fill the search field when clicked.
import { useEffect, useRef } from 'react';

const EXAMPLES: [string, string][] = [
  ['error', 'a word starting "error" in the sender, program or message'],
  ['"connection refused"', 'the phrase (\'single quotes\' allow " inside)'],
  ['timeout db', 'both words'],
  ['timeout OR refused', 'either (OR in capitals)'],
  ['-healthcheck', 'without it; -("a" OR "b") too'],
  ['(a OR b) -c', 'grouping'],
  ['sender:web-1', 'one system; sender:web-* for a wildcard'],
  ['program:heroku/router', 'the program; program:(a b) for either'],
  ['severity:>=warning', 'at least that severe; severity:error for one level'],
  ['status>=500', 'a number in a field (status=503 in the message); service>1000ms'],
  ['host:web-1 group:prod facility:local7', 'hostname, group, facility'],
  ['message:foo', 'only in the message'],
  ['~"timeout after \\d+ms"', 'a regular expression over the message (slower)'],
];

export function QueryHelp({ onPick, onClose }: { onPick(example: string): void; onClose(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    const onClick = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && !(e.target as HTMLElement).closest('[aria-label="Search syntax"]') && onClose();
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [onClose]);
  return (
    <div className="popover query-help" ref={ref} role="dialog" aria-label="Search syntax help">
      <table>
        <tbody>
          {EXAMPLES.map(([q, what]) => (
            <tr key={q}>
              <td>
                <button type="button" className="link mono" onClick={() => onPick(q)}>
                  {q}
                </button>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">Case-insensitive. A word matches from its start: <code>err</code> finds error, <code>status=50</code> finds status=502.</p>
    </div>
  );
}
