// Driftwood's own log: pino JSON lines (or pino-pretty's lines on a terminal) at the configured
// level, with network-supplied text neutralized so that it cannot forge a line or drive a terminal.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/log.ts';

/** A destination that keeps what the logger writes; `isTTY` as a terminal would have it. */
function sink(isTTY = false) {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    { isTTY },
  );
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

// What a TCP peer or an HTTP client controls: CR/LF to start a fake line, ANSI to repaint a terminal.
const HOSTILE = 'peer said "hi"\r\n{"level":50,"msg":"forged"}\n\u001b[2J\u001b[31mred';

describe('server log', () => {
  it('writes one JSON object a line, with pino level numbers, time and message', async () => {
    const out = sink();
    const log = await createLogger({ level: 'info', format: 'json', destination: out.stream });
    log.info('started HTTP in 12 ms');
    log.warn('10.0.0.7:51234: frame too long');
    log.error('cannot append 3 events to store: SQLITE_FULL');
    const entries = out.lines().map((l) => JSON.parse(l) as { level: number; msg: string; time: number });
    expect(entries.map((e) => [e.level, e.msg])).toEqual([
      [30, 'started HTTP in 12 ms'],
      [40, '10.0.0.7:51234: frame too long'],
      [50, 'cannot append 3 events to store: SQLITE_FULL'],
    ]);
    expect(entries.every((e) => Math.abs(e.time - Date.now()) < 60_000)).toBe(true);
  });

  it('leaves out what is below DRIFTWOOD_LOG_LEVEL', async () => {
    const out = sink();
    const log = await createLogger({ level: 'warn', format: 'json', destination: out.stream });
    log.info('routine');
    log.warn('worth a look');
    expect(out.lines().map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['worth a look']);
  });

  it('neutralizes line breaks and terminal escapes from the network, in JSON and pretty output', async () => {
    for (const format of ['json', 'pretty'] as const) {
      const out = sink();
      const log = await createLogger({ level: 'info', format, destination: out.stream });
      log.warn(`tcp ${HOSTILE}`);
      log.pino!.warn(`fastify ${HOSTILE}`); // Fastify's own calls go through the same hook
      const lines = out.lines();
      expect(lines, format).toHaveLength(2);
      for (const line of lines) {
        expect(line).not.toContain('\u001b');
        expect(line).not.toMatch(/^\{"level":50/);
      }
      const text = format === 'json' ? lines.map((l) => (JSON.parse(l) as { msg: string }).msg).join('\n') : lines.join('\n');
      expect(text).toContain('\\r\\n{"level":50,"msg":"forged"}\\n\\x1b[2J\\x1b[31mred');
    }
  });

  it('is readable text, not JSON, when it writes to a terminal (auto)', async () => {
    const out = sink(true);
    const log = await createLogger({ level: 'info', format: 'auto', destination: out.stream });
    log.info('Driftwood started');
    // Colored on a terminal: the level's color is the only escape sequence.
    expect(out.lines().map((l) => l.replace(/\u001b\[\d+m/g, ''))).toEqual([expect.stringMatching(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO: Driftwood started$/)]);
    const piped = sink(false);
    await (await createLogger({ level: 'info', format: 'auto', destination: piped.stream })).info('Driftwood started');
    expect(JSON.parse(piped.lines()[0]!)).toMatchObject({ level: 30, msg: 'Driftwood started' });
  });
});
