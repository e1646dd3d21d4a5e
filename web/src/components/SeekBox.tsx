// Time seek as Papertrail's (DESIGN 7: a field named "Seek to time"; Enter seeks): a phrase in the
// reader's zone, and the stream shows the events up to that moment with the live tail off.
import { useState, type FormEvent } from 'react';

// chrono-node (13 KB of gzipped script) is needed by this box only: loaded when the box is first
// focused, so that the page's first script is that much smaller.
const loadTimeSeek = () => import('../../../shared/time-seek.ts');

export function SeekBox({ utc, onSeek }: { utc: boolean; onSeek(unixSeconds: number): void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { parseTimePhrase } = await loadTimeSeek();
    const ms = parseTimePhrase(text, { now: new Date(), utc });
    if (ms === undefined) return setError(`"${text}" is not a time: try 4:06 pm, yesterday at 5:30pm, 3 hours ago, 2026-05-30 04:12:55`);
    setError('');
    onSeek(Math.floor(ms / 1000) + 1); // up to and including that second
  };
  return (
    <form className="seekbox" onSubmit={(e) => void submit(e)}>
      <input
        aria-label="Seek to time"
        placeholder="Seek: 4:06 pm, 3 hours ago…"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onFocus={() => void loadTimeSeek()}
        aria-invalid={error ? true : undefined}
        title={error || `Times are read in ${utc ? 'UTC' : 'your local zone'}`}
      />
      {error && (
        <div className="popover seek-error" role="alert">
          {error}
        </div>
      )}
    </form>
  );
}
