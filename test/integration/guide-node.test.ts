// docs/guides/node.md, run by node against a real server: the guide's pino destination and app,
// as written, deliver every record with program, host, severity and logfmt fields.
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { firstMatch, guideBlock, runProgram } from '../helpers/guides.ts';
import { relayHarness } from '../helpers/relay.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const h = relayHarness();

const one = (q: string) => firstMatch(h.api, q);

test('the pino destination and app from the guide deliver each record with its level and fields', async () => {
  writeFileSync(join(h.work, 'driftwood-destination.mjs'), guideBlock('node.md', 'node-destination'));
  // Run from the checkout so that `pino` resolves from its node_modules, as in an app's own folder.
  const app = guideBlock('node.md', 'node-app', { "'logs.example.com'": "'127.0.0.1'", 'port: 5514': `port: ${h.server.syslogPort}`, './driftwood-destination.mjs': join(h.work, 'driftwood-destination.mjs') });
  const run = await runProgram(process.execPath, ['--input-type=module', '-'], { input: app, cwd: ROOT });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const common = { source_name: hostname(), program: 'checkout', facility: 'Local0', flags: [] };
  expect(await one('program:checkout order_id=8812')).toMatchObject({ ...common, severity: 'Info', message: 'order paid order_id=8812 total=42.5', fields: { procid: expect.any(String), order_id: '8812', total: '42.5' } });
  expect((await one('program:checkout total>40')).message).toBe('order paid order_id=8812 total=42.5');
  expect(await one('"slow request"')).toMatchObject({ ...common, severity: 'Warning', fields: { path: '/cart', duration_ms: '2300' } });
  const error = await one('"cannot charge order 8813"');
  expect(error).toMatchObject({ ...common, severity: 'Error' });
  expect(error.message).toContain('card declined');
  expect(error.message).toContain('at '); // the stack, in the same event
});
