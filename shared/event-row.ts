// An event as a JSON array, for search.json's `rows` layout (shared/api.ts, EventsLayout): its
// values in EVENT_ROW_KEYS' order, without the keys and without display_received_at, which
// received_at gives. A Heroku router line's event is ~30 % fewer bytes so than as an object, and
// the bytes a page brings are most of what a browser spends before it can draw the page's rows.
import { displayTime, type Event } from './event.ts';

export const EVENT_ROW_KEYS = ['id', 'received_at', 'generated_at', 'source_ip', 'source_id', 'source_name', 'hostname', 'program', 'severity', 'facility', 'message', 'fields', 'flags'] as const;

export type EventRow = [
  id: Event['id'],
  received_at: Event['received_at'],
  generated_at: Event['generated_at'],
  source_ip: Event['source_ip'],
  source_id: Event['source_id'],
  source_name: Event['source_name'],
  hostname: Event['hostname'],
  program: Event['program'],
  severity: Event['severity'],
  facility: Event['facility'],
  message: Event['message'],
  fields: Event['fields'],
  flags: Event['flags'],
];

export function eventRow(e: Event): EventRow {
  return [e.id, e.received_at, e.generated_at, e.source_ip, e.source_id, e.source_name, e.hostname, e.program, e.severity, e.facility, e.message, e.fields, e.flags];
}

/** The event as search.json's default layout has it, keys in the same order. */
export function eventOfRow(r: EventRow): Event {
  return {
    id: r[0],
    received_at: r[1],
    generated_at: r[2],
    display_received_at: displayTime(Date.parse(r[1])),
    source_ip: r[3],
    source_id: r[4],
    source_name: r[5],
    hostname: r[6],
    program: r[7],
    severity: r[8],
    facility: r[9],
    message: r[10],
    fields: r[11],
    flags: r[12],
  };
}
