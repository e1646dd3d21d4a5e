import { describe, expect, test } from 'vitest';
import type { Event } from '../../../shared/event.ts';
import { escapeHtml, eventLine, humanDuration, links, renderEmail, subject, webhookPayload, type NoticeInput } from '../../../server/alerts/render.ts';
import { idFloorForTime } from '../../../server/store/ids.ts';

const T = (iso: string) => Date.parse(iso);
const ranMs = T('2026-05-30T07:25:00.120Z');

function event(i: number, message: string, over: Partial<Event> = {}): Event {
  const ms = T('2026-05-30T07:24:01Z') + i * 1000;
  return {
    id: String(idFloorForTime(ms)),
    received_at: new Date(ms).toISOString(),
    generated_at: null,
    display_received_at: '',
    source_ip: '10.0.0.1',
    source_id: 1,
    source_name: 'web-1',
    hostname: 'web-1',
    program: 'app/web.1',
    severity: 'Warning',
    facility: 'Local7',
    message,
    fields: {},
    flags: [],
    ...over,
  };
}

function notice(over: { run?: Partial<NoticeInput['run']>; events?: Event[]; tz?: string; name?: string } = {}): NoticeInput {
  const events = over.events ?? [event(0, 'WARNING disk 91% full'), event(1, 'WARNING disk 92% full')];
  return {
    publicUrl: 'https://logs.example.com',
    search: { id: 3, name: over.name ?? 'WARNING', query: 'warn', group_id: null },
    alert: { id: 7, frequency: '1m', timezone: over.tz ?? 'Europe/Berlin', condition: { type: 'at_least', count: 1 } },
    run: { ranMs, afterId: Number(events[0]?.id ?? 1000) - 1, throughId: Number(events.at(-1)?.id ?? 1000), sinceMs: ranMs - 60_000, late: false, matched: events.length, test: false, ...over.run },
    events,
  };
}

describe('email', () => {
  test('subject as DESIGN 6, the time in the alert\'s zone', () => {
    expect(subject(notice({ run: { matched: 12 } }))).toBe('[Driftwood] "WARNING" alert: 12 matches (at 2026-05-30 09:25)');
    expect(subject(notice({ run: { matched: 1 }, tz: 'UTC' }))).toBe('[Driftwood] "WARNING" alert: 1 match (at 2026-05-30 07:25)');
  });

  test('a search name cannot add header lines', () => {
    expect(subject(notice({ name: 'x\r\nBcc: evil@example.com' }))).not.toMatch(/[\r\n]/);
  });

  test('text part: count, Papertrail lines with links, query, window link, zone, edit link', () => {
    const { text } = renderEmail(notice());
    expect(text).toContain('2 events matched your "WARNING" search in the past minute.');
    expect(text).toContain('May 30 09:24:01 web-1 app/web.1: WARNING disk 91% full');
    expect(text).toContain(`https://logs.example.com/events?centered_on_id=${idFloorForTime(T('2026-05-30T07:24:01Z'))}`);
    expect(text).toContain('Query: warn');
    expect(text).toContain('Times are in Europe/Berlin.');
    expect(text).toContain('Edit the search: https://logs.example.com/searches/3/edit');
    expect(text).toContain('Alert settings: https://logs.example.com/alerts/7');
    expect(text).not.toContain('more event');
  });

  test('the window link runs the search over exactly the window', () => {
    const n = notice();
    const url = new URL(links.window(n));
    expect(url.pathname).toBe('/events');
    expect(url.searchParams.get('q')).toBe('warn');
    expect(url.searchParams.get('min_time')).toBe(String(T('2026-05-30T07:24:01Z') / 1000));
    expect(url.searchParams.get('max_time')).toBe(String(T('2026-05-30T07:24:02Z') / 1000));
    expect(url.searchParams.get('min_id')).toBe(String(n.run.afterId));
    expect(url.searchParams.get('max_id')).toBe(String(n.run.throughId + 1));
  });

  test('a long list is capped and says how many more', () => {
    const events = Array.from({ length: 30 }, (_, i) => event(i, `WARNING ${i}`));
    const { text, html } = renderEmail(notice({ events, run: { matched: 140 } }));
    expect(text.match(/WARNING \d+$/gm)).toHaveLength(25);
    expect(text).toContain('…and 115 more events: https://logs.example.com/events?');
    expect(html).toContain('115 more events');
  });

  test('values from log lines are escaped in HTML', () => {
    const evil = event(0, '<script>alert(1)</script> <img src=x onerror="steal()"> & "quotes"', { source_name: '<b>host</b>', program: "a'b" });
    const { html, text } = renderEmail(notice({ events: [evil], name: '<i>name</i>' }));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>host');
    expect(html).not.toContain('<i>name');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=&quot;steal()&quot;&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('&lt;b&gt;host&lt;/b&gt; a&#39;b');
    expect(text).toContain('<script>alert(1)</script>'); // plain text is shown as text
  });

  test('none alerts say the search went quiet', () => {
    const { text } = renderEmail(notice({ events: [], run: { matched: 0, afterId: 5, throughId: 5 } }));
    expect(text).toContain('No events matched your "WARNING" search in the past minute.');
  });

  test('a late run says how long it covers and why', () => {
    const { text, html } = renderEmail(notice({ run: { late: true, sinceMs: ranMs - 3 * 3_600_000 } }));
    expect(text).toContain('in the past 3 hours.');
    expect(text).toContain('This run covers 3 hours since the previous run at 2026-05-30 06:25 (the server was down or busy)');
    expect(html).toContain('This run covers 3 hours');
  });

  test('durations read naturally', () => {
    expect(humanDuration(59_000)).toBe('59 seconds');
    expect(humanDuration(3 * 3_600_000 + 4 * 60_000 + 5000)).toBe('3 hours 4 minutes');
    expect(humanDuration(86_400_000 + 3_600_000)).toBe('1 day 1 hour');
    expect(humanDuration(60_000)).toBe('1 minute');
  });

  test('event lines are Papertrail\'s and bounded', () => {
    expect(eventLine(event(0, 'x'.repeat(5000)), 'UTC')).toHaveLength('May 30 07:24:01 web-1 app/web.1: '.length + 1001);
  });

  test('escapeHtml covers the five characters', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });
});

describe('webhook payload', () => {
  test('Papertrail\'s shape: events, saved_search, min_id, max_id, reached_record_limit, frequency', () => {
    const n = notice();
    const p = webhookPayload(n, { reachedRecordLimit: false }) as Record<string, any>;
    expect(Object.keys(p)).toEqual(['events', 'saved_search', 'min_id', 'max_id', 'reached_record_limit', 'frequency', 'driftwood']);
    expect(p.events[0].id).toBe(Number(n.events[0]!.id));
    expect(p.events[0].message).toBe('WARNING disk 91% full');
    expect(p.saved_search).toEqual({ id: 3, name: 'WARNING', query: 'warn', html_edit_url: 'https://logs.example.com/searches/3/edit', html_search_url: 'https://logs.example.com/searches/3' });
    expect(p.min_id).toBe(n.events[0]!.id);
    expect(p.max_id).toBe(String(n.run.throughId));
    expect(p.frequency).toBe('1 minute');
  });

  test('counts only: per-sender time series instead of events', () => {
    const counts = [{ source_id: 4, source_name: 'arthur', timeseries: { '1453248895': 5 } }];
    const p = webhookPayload(notice(), { counts, reachedRecordLimit: false });
    expect(p.events).toBeUndefined();
    expect(p.counts).toEqual(counts);
  });
});
