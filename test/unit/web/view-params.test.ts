// The viewer's links: a pivot link is the same URL viewHref writes for that view, whatever the
// sender or program name holds.
import { expect, test } from 'vitest';
import { attrTerm, pivotViewHref, readViewParams, viewHref } from '../../../web/src/lib/view-params.ts';

test('a pivot link is the view it names, written as viewHref writes it', () => {
  const names = ['shop-web', 'app/web.1', 'heroku/router', 'my app', 'say "hi"', "it's", 'a&b=c+d', 'émoji 🚀', 'OR', '%2F'];
  for (const attribute of ['sender', 'program'] as const) {
    for (const name of names) {
      const href = pivotViewHref(attribute, name, '1839721271476234');
      expect(href).toBe(viewHref({ q: attrTerm(attribute, name), centeredOnId: '1839721271476234' }));
      expect(pivotViewHref(attribute, name, '1839721271476234')).toBe(href); // the second time, from the kept query
      const back = readViewParams(href.slice(href.indexOf('?')));
      expect(back).toMatchObject({ q: attrTerm(attribute, name), centeredOnId: '1839721271476234' });
    }
  }
});
