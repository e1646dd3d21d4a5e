import { describe, expect, it } from 'vitest';
import { parseLogfmt } from '../../../shared/logfmt.ts';

const f = (message: string, want: Record<string, string>) => expect(parseLogfmt(message)).toEqual(want);

describe('parseLogfmt', () => {
  it('reads a Heroku router line', () => {
    f('at=info method=GET path="/" host=x.herokuapp.com request_id=8601b555-6a83-4c12-8659-13b34a6e9e00 fwd="1.2.3.4" dyno=web.1 connect=0ms service=12ms status=200 bytes=1234 protocol=https', {
      at: 'info', method: 'GET', path: '/', host: 'x.herokuapp.com', request_id: '8601b555-6a83-4c12-8659-13b34a6e9e00',
      fwd: '1.2.3.4', dyno: 'web.1', connect: '0ms', service: '12ms', status: '200', bytes: '1234', protocol: 'https',
    });
  });

  it('reads Heroku runtime metrics keys with # . - / @', () => {
    f('source=web.1 dyno=heroku.1234.abcd sample#memory_total=21.00MB sample#load_avg_1m=0.00 a-b=1 c/d=2 e@f=3', {
      source: 'web.1', dyno: 'heroku.1234.abcd', 'sample#memory_total': '21.00MB', 'sample#load_avg_1m': '0.00', 'a-b': '1', 'c/d': '2', 'e@f': '3',
    });
  });

  it('finds pairs anywhere, skipping words without =', () => {
    f('Completed 200 OK in 12ms user=42 (Views: 3.1ms)', { user: '42' });
    f('sql_error_code=28000 FATAL: password authentication failed', { sql_error_code: '28000' });
    f('no pairs here at all', {});
    f('', {});
  });

  it('reads quoted values with \\" and \\\\ escapes', () => {
    f(String.raw`msg="say \"hi\"" path="C:\\tmp" other="a\nb"`, { msg: 'say "hi"', path: 'C:\\tmp', other: 'a\\nb' });
    f('desc="Request timeout" x=1', { desc: 'Request timeout', x: '1' });
    f('empty="" x=1', { empty: '', x: '1' });
    f('open="never closed x=1', { open: 'never closed x=1' });
  });

  it('reads key= as the empty string', () => {
    f('a= b=2', { a: '', b: '2' });
    f('a=', { a: '' });
  });

  it('accepts only keys that start with a letter', () => {
    f('1a=x _b=y =z -c=w', {});
    f('url=http://x/?a=1&b=2', { url: 'http://x/?a=1&b=2' });
    f('k=v=w', { k: 'v=w' });
  });

  it('lets a later duplicate win', () => {
    f('a=1 a=2', { a: '2' });
  });

  it('treats tabs and newlines as separators', () => {
    f('a=1\tb=2\nc=3', { a: '1', b: '2', c: '3' });
  });

  it('stores names that look like Object properties as own keys', () => {
    const got = parseLogfmt('constructor=x toString=y');
    expect(Object.keys(got)).toEqual(['constructor', 'toString']);
    expect(got.constructor).toBe('x');
  });
});
