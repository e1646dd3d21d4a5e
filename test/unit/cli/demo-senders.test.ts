// driftwood demo's drain sender behaves as Logplex does toward a busy server: a batch answered
// 503 is sent again, alone and with the same Logplex-Frame-Id (so the server can deduplicate it),
// before the lines that came meanwhile; any other refusal stops the demo with the status.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { DrainSender, SendError } from '../../../server/cli/demo-senders.ts';

let close: (() => void) | undefined;
afterEach(() => close?.());

/** A receiver answering with `statuses` in turn, recording each request's frame id and body. */
async function receiver(statuses: number[]): Promise<{ url: string; got: { frameId: string; body: string }[] }> {
  const got: { frameId: string; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      got.push({ frameId: String(req.headers['logplex-frame-id']), body });
      res.writeHead(statuses.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => server.close();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/drains/d.x`, got };
}

test('a batch answered 503 goes again alone with its frame id, then the lines that came meanwhile', async () => {
  const r = await receiver([503, 204, 204]);
  const sender = new DrainSender(r.url);
  expect(await sender.send(['<190>1 - host app web.1 - first'])).toBe(0);
  expect(await sender.send(['<190>1 - host app web.1 - second'])).toBe(2);
  expect(r.got).toHaveLength(3);
  expect(r.got[1]).toEqual(r.got[0]);
  expect(r.got[2]!.frameId).not.toBe(r.got[0]!.frameId);
  expect(r.got[2]!.body).toBe('32 <190>1 - host app web.1 - second');
});

test('a refusal other than 429/503 stops with the status, and never shows the drain token', async () => {
  const r = await receiver([401]);
  const error = await new DrainSender(r.url).send(['<190>1 - host app web.1 - x']).catch((e: Error) => e);
  expect(error).toBeInstanceOf(SendError);
  expect((error as Error).message).toMatch(/\/drains\/d\.… answered 401: unknown drain token/);
});
