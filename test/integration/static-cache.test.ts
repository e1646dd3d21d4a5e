// The built UI's caching: Vite's content-hashed files under /assets/ are kept by the browser for
// good (a returning user's page loads without asking for them again), while index.html, which
// names the current ones, is asked for again on every load so that an upgrade shows at once.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/auth.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ setupCode: 'ABCD-EFGH', webFiles: { 'index.html': '<!doctype html><script src="/assets/index-3f2a9c.js"></script>', 'assets/index-3f2a9c.js': 'console.log(1)' } });
});
afterAll(() => t.close());

test('hashed assets may be cached for a year without revalidation', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/assets/index-3f2a9c.js' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
});

test('index.html, by its name, at / and as the fallback of a deep link, is revalidated on every load', async () => {
  for (const url of ['/index.html', '/', '/events?q=error', '/alerts/7']) {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode, url).toBe(200);
    expect(res.body, url).toContain('/assets/index-3f2a9c.js');
    expect(res.headers['cache-control'], url).toBe('no-cache');
  }
});
