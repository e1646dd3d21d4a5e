// Every search lists the day files (store/partitions.ts days()); the listing is cached while the
// events directory's modification time stands still. A day file that another thread or process
// creates must be searchable at once, even on a file system whose clock ticks in whole seconds.
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { Partitions } from '../../../server/store/partitions.ts';
import { tmpDir } from '../../helpers/tmp.ts';

const dirs: { cleanup(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

function partitions() {
  const dir = tmpDir();
  dirs.push(dir);
  return { parts: new Partitions(dir.path), events: join(dir.path, 'events') };
}

test('a day file created by someone else is listed at once', () => {
  const { parts, events } = partitions();
  const old = new Date(Date.now() - 60_000);
  utimesSync(events, old, old);
  expect(parts.days()).toEqual([]);
  expect(parts.days()).toEqual([]); // from the cached listing
  writeFileSync(join(events, '2026-05-30.sqlite'), '');
  expect(parts.days()).toEqual(['2026-05-30']);
});

test('a file created in the same coarse clock tick as the listing is not hidden by an unchanged mtime', () => {
  const { parts, events } = partitions();
  const tick = new Date(Math.floor(Date.now() / 1000) * 1000); // a clock with whole seconds
  utimesSync(events, tick, tick);
  expect(parts.days()).toEqual([]);
  writeFileSync(join(events, '2026-05-31.sqlite'), '');
  utimesSync(events, tick, tick); // the same second: the mtime did not move
  expect(statSync(events).mtimeMs).toBe(tick.getTime());
  expect(parts.days()).toEqual(['2026-05-31']);
});

test('callers get their own copy to reorder', () => {
  const { parts, events } = partitions();
  writeFileSync(join(events, '2026-05-30.sqlite'), '');
  writeFileSync(join(events, '2026-05-31.sqlite'), '');
  const old = new Date(Date.now() - 60_000);
  utimesSync(events, old, old);
  parts.days().reverse();
  expect(parts.days()).toEqual(['2026-05-31', '2026-05-30']);
});
