// docs/guides/docker.md: no Docker engine runs here, so this sends what Docker's syslog driver
// sends — the guide's example line, in rfc5424micro format — the two ways Docker frames it
// (daemon/logger/syslog/syslog.go): plain TCP, the line then "\n" (srslog's DefaultFramer); and
// tcp+tls, RFC 5425 octet counting around the line and its "\n" (RFC5425MessageLengthFramer).
import { parse as parseYaml } from 'yaml';
import { expect, test } from 'vitest';
import { guideBlock, tlsServerHarness } from '../helpers/guides.ts';
import { octetFrame, sendTcp } from '../helpers/ingest.ts';

const h = tlsServerHarness();

const example = guideBlock('docker.md', 'docker-line').trimEnd();
const asDocker = (via: string, stderr: boolean) => example.replace('<30>', stderr ? '<27>' : '<30>').replace('GET /healthz', `GET /healthz?via=${via}`);

test('the line Docker sends over plain TCP arrives with the container name as program, stdout as Info and stderr as Error', async () => {
  await sendTcp(h.server.syslogPort!, [`${asDocker('tcp', false)}\n`, `${asDocker('tcp-stderr', true)}\n`]);
  const [out] = (await h.api.waitFor('"via=tcp HTTP"', 1)).events;
  expect(out).toMatchObject({ source_name: 'docker-host-1', hostname: 'docker-host-1', program: 'web', severity: 'Info', facility: 'Daemon', generated_at: '2026-05-30T16:24:40.438Z', flags: [] });
  expect(out!.message).toBe('172.17.0.1 - - [30/May/2026:16:24:40 +0000] "GET /healthz?via=tcp HTTP/1.1" 200 2 "-" "curl/8.5.0"');
  expect(out!.fields).toMatchObject({ procid: '1234', msgid: 'web' });
  const [err] = (await h.api.waitFor('"via=tcp-stderr"', 1)).events;
  expect(err).toMatchObject({ program: 'web', severity: 'Error' });
});

test('the line Docker sends over tcp+tls (octet counted, with its newline inside the frame) arrives as one clean event', async () => {
  await sendTcp(h.server.syslogTlsPort!, [octetFrame(`${asDocker('tls', false)}\n`)], { tls: true });
  const [e] = (await h.api.waitFor('"via=tls"', 1)).events;
  expect(e).toMatchObject({ source_name: 'docker-host-1', program: 'web', severity: 'Info', flags: [] });
  expect(e!.message.endsWith('"curl/8.5.0"')).toBe(true);
});

test('the daemon.json and Compose snippets are valid JSON and YAML with the options the guide explains', () => {
  const daemon = JSON.parse(guideBlock('docker.md', 'docker-daemon'));
  expect(daemon).toMatchObject({ 'log-driver': 'syslog', 'log-opts': { 'syslog-format': 'rfc5424micro', tag: '{{.Name}}', mode: 'non-blocking' } });
  const compose = parseYaml(guideBlock('docker.md', 'docker-compose'));
  expect(compose.services.web.logging).toEqual({ driver: 'syslog', options: { 'syslog-address': 'tcp://logs.example.com:5514', 'syslog-format': 'rfc5424micro', tag: '{{.Name}}', mode: 'non-blocking' } });
  // The docker run flags say the same.
  const run = guideBlock('docker.md', 'docker-run');
  for (const opt of ['syslog-address=tcp://logs.example.com:5514', 'syslog-format=rfc5424micro', 'tag="{{.Name}}"', 'mode=non-blocking']) expect(run).toContain(`--log-opt ${opt}`);
});
