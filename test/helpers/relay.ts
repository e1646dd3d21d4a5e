// What the tests of real syslog daemons (rsyslog, syslog-ng) share: a server to forward to, and a
// line sent to the daemon's UDP input until it has come through to the store.
import { afterAll, beforeAll } from 'vitest';
import type { Event } from '../../shared/event.ts';
import { apiClientFor, type ApiClient } from './api.ts';
import { sendUdp } from './ingest.ts';
import { startTestServer, type TestServer } from './server.ts';
import { tmpDir } from './tmp.ts';

export interface RelayHarness {
  server: TestServer;
  api: ApiClient;
  /** A directory for the daemon's configuration and state files. */
  work: string;
}

/** Starts a server before the file's tests and stops it after them. */
export function relayHarness(): RelayHarness {
  const work = tmpDir();
  const harness = { work: work.path } as RelayHarness;
  beforeAll(async () => {
    harness.server = await startTestServer();
    harness.api = await apiClientFor(harness.server);
  });
  afterAll(async () => {
    await harness.server.stop();
    work.cleanup();
  });
  return harness;
}

/**
 * Sends `line` to the daemon's UDP input until a search for `phrase` finds it: a daemon needs a
 * moment to bind its input after it starts. Returns the stored event.
 */
export async function relayed(h: RelayHarness, inputPort: number, line: string, phrase: string): Promise<Event | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    await sendUdp(inputPort, [line]);
    const [found] = (await h.api.waitFor(phrase, 1, {}, 500)).events;
    if (found) return found;
  }
  return undefined;
}
