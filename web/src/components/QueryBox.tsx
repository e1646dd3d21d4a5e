// The search field (DESIGN 7: `<input type="search">` named "Search"). Enter searches; a syntax
// error is shown under the field, pointing at where it is, in the parser's own words (the server
// runs the same parser, shared/query/parse.ts, so the message is the server's).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { parse } from '../../../shared/query/parse.ts';
import { QueryHelp } from './QueryHelp.tsx';

export interface QueryBoxProps {
  value: string;
  /** An error for the query as it is in the address (e.g. the server refused it). */
  serverError?: string;
  onSearch(q: string): void;
  inputRef?: React.RefObject<HTMLInputElement | null>;
}

export function QueryBox({ value, serverError, onSearch, inputRef }: QueryBoxProps) {
  const [text, setText] = useState(value);
  const [error, setError] = useState<{ message: string; offset: number }>();
  const [help, setHelp] = useState(false);
  const own = useRef<HTMLInputElement>(null);
  const ref = inputRef ?? own;
  useEffect(() => setText(value), [value]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parse(text);
    if (!parsed.ok) return setError(parsed.error);
    setError(undefined);
    onSearch(text.trim());
  };
  const shown = error ?? (serverError && text === value ? { message: serverError, offset: -1 } : undefined);

  return (
    <form className="querybox" onSubmit={submit} role="search">
      <div className="query-row">
        <input
          ref={ref}
          type="search"
          aria-label="Search"
          placeholder='Search: error, "connection refused", program:heroku/router status>=500'
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (error) setError(undefined);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              if (text) setText('');
              else e.currentTarget.blur();
            }
          }}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={shown ? true : undefined}
          aria-describedby={shown ? 'query-error' : undefined}
        />
        <button type="button" className="icon" aria-label="Search syntax" aria-expanded={help} onClick={() => setHelp(!help)}>
          ?
        </button>
      </div>
      {shown && (
        <div id="query-error" className="query-error" role="alert">
          {shown.offset >= 0 && (
            <code className="caret-line">
              {text}
              {'\n'}
              {' '.repeat(Math.min(shown.offset, text.length))}^
            </code>
          )}
          <span>{shown.message}</span>
        </div>
      )}
      {help && (
        <QueryHelp
          onPick={(example) => {
            setText(example);
            setHelp(false);
            ref.current?.focus();
          }}
          onClose={() => setHelp(false)}
        />
      )}
    </form>
  );
}
