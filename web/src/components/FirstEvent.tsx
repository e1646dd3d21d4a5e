// "Waiting for the first event…": polls the drain (GET /api/v1/drains/:id.json) every 2 s until
// its first line is stored, then turns green and shows that line.
import { useEffect, useState } from 'react';
import type { Drain, DrainStatus } from '../../../shared/api.ts';
import type { Event } from '../../../shared/event.ts';
import { get } from '../api/client.ts';

const POLL_MS = 2000;

export function FirstEvent({ drain }: { drain: Drain }) {
  const [event, setEvent] = useState<Event>();
  const [error, setError] = useState('');
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const status = await get<DrainStatus>(`/api/v1/drains/${drain.id}.json`);
        if (status.first_event) return setEvent(status.first_event);
        setError('');
      } catch (e) {
        setError((e as Error).message);
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [drain.id]);
  if (event)
    return (
      <div className="first-event received" role="status" aria-label="First event">
        <span className="dot" aria-hidden="true" /> Receiving — first line:{' '}
        <code className="clip">
          {event.program ? `${event.program}: ` : ''}
          {event.message}
        </code>
      </div>
    );
  return (
    <div className="first-event waiting" role="status" aria-label="First event">
      <span className="dot" aria-hidden="true" /> Waiting for the first event…{error && <span className="error"> ({error})</span>}
    </div>
  );
}
