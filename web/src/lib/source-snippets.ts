// Copy-paste set-up for each kind of sender, with this server's address filled in. The same
// commands and configuration as the README's "Sending logs" (each tested there against the real
// program where this machine has it): keep the two in step.

export interface ServerAddress {
  /** Host name senders use (from the public URL). */
  host: string;
  /** Syslog UDP+TCP port; null when syslog is off. */
  syslogPort: number | null;
  /** Syslog over TLS (RFC 5425); null when no certificate is configured. */
  tlsPort: number | null;
}

export interface Snippet {
  key: string;
  title: string;
  /** Shown above the code: where it goes, what it does. */
  intro: string;
  code: string;
  /** Syslog snippets need the syslog port; drain snippets need a drain. */
  needs: 'drain' | 'syslog';
}

export function drainSnippets(drain: { name: string; url: string; heroku_command: string }): Snippet[] {
  return [
    { key: 'heroku', title: 'Heroku', needs: 'drain', intro: 'Run once per app; Heroku then sends every app, router and platform line here.', code: drain.heroku_command },
    {
      key: 'curl',
      title: 'curl / HTTPS',
      needs: 'drain',
      intro: 'Any program that can POST: plain text (one event per line) or NDJSON objects with a "message".',
      code: [
        `curl -X POST -H 'Content-Type: text/plain' --data-binary @app.log ${drain.url}`,
        `curl -X POST -H 'Content-Type: application/x-ndjson' \\`,
        `     --data-binary '{"message":"payment failed","level":"error","program":"billing"}' \\`,
        `     ${drain.url}`,
      ].join('\n'),
    },
  ];
}

export function syslogSnippets(a: ServerAddress): Snippet[] {
  const port = a.syslogPort ?? 5514;
  const out: Snippet[] = [
    {
      key: 'rsyslog',
      title: 'rsyslog',
      needs: 'syslog',
      intro: '/etc/rsyslog.d/90-driftwood.conf — forwards everything over TCP with RFC 6587 octet framing, queueing to disk while Driftwood is down. Then: systemctl restart rsyslog',
      code: [
        `*.* action(type="omfwd" target="${a.host}" port="${port}" protocol="tcp"`,
        `           TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format"`,
        `           queue.type="LinkedList" queue.filename="driftwood" queue.saveOnShutdown="on"`,
        `           action.resumeRetryCount="-1")`,
      ].join('\n'),
    },
    {
      key: 'syslog-ng',
      title: 'syslog-ng',
      needs: 'syslog',
      intro: 'RFC 5424 with octet counting over TCP. On a relay, add options { keep-hostname(yes); }; so that each machine shows up as its own system.',
      code: [`destination d_driftwood { syslog("${a.host}" transport("tcp") port(${port})); };`, 'log { source(s_src); destination(d_driftwood); };'].join('\n'),
    },
    {
      key: 'logger',
      title: 'logger',
      needs: 'syslog',
      intro: "util-linux logger: a quick test from any shell, or cron jobs' output.",
      code: [`logger -n ${a.host} -P ${port} --udp "hello over UDP"`, `logger -n ${a.host} -P ${port} --tcp --octet-count --rfc5424 "hello over TCP"`].join('\n'),
    },
    {
      key: 'docker',
      title: 'Docker',
      needs: 'syslog',
      intro: "Docker's syslog logging driver, per container (or as \"log-driver\"/\"log-opts\" in /etc/docker/daemon.json for all). The rfc5424 formats are sent octet-counted over TCP; the tag becomes the program.",
      code: [`docker run --log-driver=syslog \\`, `  --log-opt syslog-address=tcp://${a.host}:${port} \\`, `  --log-opt syslog-format=rfc5424micro \\`, `  --log-opt tag="{{.Name}}" \\`, `  your-image`].join('\n'),
    },
    {
      key: 'python',
      title: 'Python logging',
      needs: 'syslog',
      intro: "The standard library's SysLogHandler over UDP. The format is an RFC 5424 header (after the <PRI> the handler adds), so the line carries this host's name and the program's; the level word becomes the severity.",
      code: [
        'import logging, logging.handlers, socket',
        '',
        `handler = logging.handlers.SysLogHandler(address=("${a.host}", ${port}))`,
        'handler.setFormatter(logging.Formatter(f"1 - {socket.gethostname()} myapp - - - %(levelname)s %(message)s"))',
        'logging.getLogger().addHandler(handler)',
        'logging.getLogger().setLevel(logging.INFO)',
        'logging.info("hello from Python")',
      ].join('\n'),
    },
  ];
  if (a.tlsPort !== null) {
    out.push({
      key: 'tls',
      title: 'TLS',
      needs: 'syslog',
      intro: `Syslog over TLS (RFC 5425) on port ${a.tlsPort}. rsyslog (needs the rsyslog-gnutls package):`,
      code: [
        `global(DefaultNetstreamDriver="gtls" DefaultNetstreamDriverCAFile="/etc/ssl/certs/ca-certificates.crt")`,
        `*.* action(type="omfwd" target="${a.host}" port="${a.tlsPort}" protocol="tcp"`,
        `           StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name"`,
        `           TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")`,
        '',
        '# syslog-ng:',
        `destination d_driftwood_tls { syslog("${a.host}" transport("tls") port(${a.tlsPort}) tls(ca-file("/etc/ssl/certs/ca-certificates.crt"))); };`,
      ].join('\n'),
    });
  }
  return out;
}
