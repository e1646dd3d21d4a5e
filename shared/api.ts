// The HTTP API contract (DESIGN 4), shared by the server's routes, the CLI client and the web UI.
import type { Event } from './event.ts';

export interface SearchResponse {
  events: Event[];
  min_id: string;
  max_id: string;
  reached_beginning?: boolean;
  reached_end?: boolean;
  reached_record_limit?: boolean;
  reached_time_limit?: boolean;
}

export interface SearchParams {
  q?: string;
  system_id?: string;
  group_id?: string;
  min_id?: string;
  max_id?: string;
  min_time?: string;
  max_time?: string;
  tail?: string;
  limit?: string;
}

export interface System {
  id: number;
  name: string;
  ip: string | null;
  first_seen_at: string;
  last_seen_at: string;
}

export interface Drain {
  id: number;
  name: string;
  token: string;
  url: string;
  heroku_command: string;
  created_at: string;
}

export interface ApiError {
  message: string;
}
