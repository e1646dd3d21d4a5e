// "Waiting for the first event…": polls every 2 s until a line from this drain is stored, then
// turns green and shows it. A drain's lines are stored under a system named after the drain.
import { useEffect, useState } from 'react';
import type { Drain, SearchResponse } from '../../../shared/api.ts';
import type { Event } from '../../../shared/event.ts';
import { ApiError, get, withQuery } from '../api/client.ts';

const POLL_MS = 2000;

export function FirstEvent({ drain }: { drain: Drain }) {
  const [event, setEvent] = useState<Event>();
  const [error, setError] = useState('');
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        // The oldest line of the drain's system (min_id=0 reads forward); none yet: no such system (404).
        const r = await get<SearchResponse>(withQuery('/api/v1/events/search.json', { system_id: drain.name, min_id: '0', limit: '1' }));
        if (r.events[0]) return setEvent(r.events[0]);
        setError('');
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) setError((e as Error).message);
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [drain.name]);
  if (event)
    return (
      <div className="first-event received" role="status" aria-label="First event">
        <span className="dot" aria-hidden="true" /> Receiving — first line: <code className="clip">{event.program ? `${event.program}: ` : ''}{event.message}</code>
      </div>
    );
  return (
    <div className="first-event waiting" role="status" aria-label="First event">
      <span className="dot" aria-hidden="true" /> Waiting for the first event…{error && <span className="error"> ({error})</span>}
    </div>
  );
}
