import { describe, expect, it } from 'vitest';
import { formatEvent, useColor } from '../../../server/cli/format.ts';
import type { Event } from '../../../shared/event.ts';

describe('useColor (driftwood search and tail)', () => {
  const f = (isTTY: boolean | undefined, json: boolean, env: Record<string, string>, want: boolean) => expect(useColor({ isTTY }, json, env)).toBe(want);
  it('colors a terminal only, never JSON, never under NO_COLOR', () => {
    f(true, false, {}, true);
    f(undefined, false, {}, false); // piped into a file or another program
    f(true, true, {}, false);
    f(true, false, { NO_COLOR: '1' }, false);
    f(true, false, { NO_COLOR: '' }, true); // no-color.org: set and not empty
  });
});

describe('formatEvent', () => {
  const event = { display_received_at: 'May 30 16:24:40', source_name: 'web-1', program: 'app/web.1', severity: 'Error', message: 'boom\x1b[2J\r\nforged line' } as Event;
  it('prints the Papertrail line with control characters neutralized', () => {
    const line = formatEvent(event, false);
    expect(line.startsWith('May 30 16:24:40 web-1 app/web.1: boom')).toBe(true);
    expect(line).not.toMatch(/[\x1b\r\n]/);
  });
});
