// search.json pages in the `rows` layout (shared/api.ts, EventsLayout): the envelope is parsed at
// once, each event only when something reads more than its id. A first page of 1,000 events shows
// ~30 of them; parsing all of them, and the garbage collections that their objects caused, cost a
// tenth of the browser's time from the response to the first row on screen (docs/BENCHMARKS.md,
// "The event viewer in Chromium").
import type { SearchResponse } from '../../../shared/api.ts';
import type { Event } from '../../../shared/event.ts';
import { eventOfRow, type EventRow } from '../../../shared/event-row.ts';

/** A row starts with its id: `["123",…`. */
const ID_AT = 2;

/** An event kept as its JSON row until a field other than its id is read. */
export class RowEvent implements Event {
  readonly id: string;
  #row: string;
  #event: Event | undefined;

  constructor(row: string) {
    this.#row = row;
    this.id = row.slice(ID_AT, row.indexOf('"', ID_AT));
  }

  /** The event as a plain object: what a spread or JSON.stringify of it should see. */
  plain(): Event {
    if (this.#event === undefined) {
      this.#event = eventOfRow(JSON.parse(this.#row) as EventRow);
      this.#row = ''; // the page's text can go once all of its events are read
    }
    return this.#event;
  }

  get received_at() { return this.plain().received_at; }
  get generated_at() { return this.plain().generated_at; }
  get display_received_at() { return this.plain().display_received_at; }
  get source_ip() { return this.plain().source_ip; }
  get source_id() { return this.plain().source_id; }
  get source_name() { return this.plain().source_name; }
  get hostname() { return this.plain().hostname; }
  get program() { return this.plain().program; }
  get severity() { return this.plain().severity; }
  get facility() { return this.plain().facility; }
  get message() { return this.plain().message; }
  get fields() { return this.plain().fields; }
  get flags() { return this.plain().flags; }
  toJSON(): Event {
    return this.plain();
  }
}

/** Any event as a plain object (a spread of a RowEvent would keep only its id). */
export function plainEvent(e: Event): Event {
  return e instanceof RowEvent ? e.plain() : e;
}

/** A search.json body in the `rows` layout: the envelope, and its events read as they are used. */
export function readRowsPage(text: string): SearchResponse {
  const lines = text.split('\n');
  const head = lines[0]!;
  if (lines.length < 3 || !head.endsWith('"events":[') || lines.at(-1) !== ']}') throw new Error('search.json did not answer in the rows layout');
  const page = JSON.parse(`${head}]}`) as SearchResponse;
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i]!;
    if (line !== '') page.events.push(new RowEvent(line.endsWith(',') ? line.slice(0, -1) : line));
  }
  return page;
}
