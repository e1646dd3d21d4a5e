// The web UI in a real browser (Debian's Chromium via playwright-core): the built page loads from
// the server, its script runs under our Content-Security-Policy, unknown UI paths fall back to it,
// and the first run creates the admin with the printed setup code.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchBrowser, screenshot, watchProblems } from '../helpers/browser.ts';
import { requirePrograms } from '../helpers/programs.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const { available, test } = requirePrograms(import.meta.url, 'chromium');
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  if (!available) return;
  server = await startTestServer();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('the UI loads and renders in Chromium under the server CSP, also on a deep link', async () => {
  const page = await browser.newPage();
  const problems = watchProblems(page);
  for (const path of ['/', '/events?q=error']) {
    const res = await page.goto(server.url.replace('localhost', '127.0.0.1') + path);
    expect(res!.status()).toBe(200);
    expect(res!.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect.poll(() => page.locator('h1').textContent()).toContain('Driftwood');
  }
  expect(problems).toEqual([]);
});

test('first run: the admin is created with the printed setup code, then signs in on a fresh browser', async () => {
  const base = server.url.replace('localhost', '127.0.0.1');
  const admin = { email: 'first-admin@example.com', password: 'driftwood on the tide 77' };
  const page = await browser.newPage();
  await page.goto(`${base}/setup`);
  await screenshot(page, 'setup');
  await page.getByLabel('Setup code').fill('WRONG-CODE');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel(/^Password/).fill(admin.password);
  await page.getByRole('button', { name: 'Create admin' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/wrong setup code/);
  await page.getByLabel('Setup code').fill(server.setupCode!);
  await page.getByRole('button', { name: 'Create admin' }).click();
  // Signed in: the viewer with the navigation, and who is signed in.
  await page.getByRole('navigation').getByRole('link', { name: 'Events' }).waitFor();
  expect(await page.locator('header').textContent()).toContain(admin.email);
  expect(new URL(page.url()).pathname).toBe('/events');

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(base);
  await other.getByLabel('Email').fill(admin.email);
  await other.getByLabel('Password').fill(admin.password);
  await screenshot(other, 'sign-in');
  await other.getByRole('button', { name: 'Sign in' }).click();
  await other.getByRole('log', { name: 'Events' }).waitFor();
  expect(await other.locator('header').textContent()).toContain(admin.email);
  await fresh.close();
});
