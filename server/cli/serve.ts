// `driftwood serve`: validate the configuration, start everything, stop cleanly on SIGTERM/SIGINT.
import { configHelp, describeConfig, loadConfig } from '../config.ts';
import { stderrLogger } from '../log.ts';
import { startServer } from '../main.ts';

export async function serve(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(configHelp());
    return 0;
  }
  const loaded = loadConfig(process.env, argv);
  if (!loaded.ok) {
    for (const p of loaded.problems) process.stderr.write(`driftwood: ${p}\n`);
    return 1;
  }
  const log = stderrLogger();
  for (const line of describeConfig(loaded.config)) log.info(`config ${line}`);
  const server = await startServer(loaded.config, log);
  const syslog = server.syslogPort ? `syslog on UDP+TCP port ${server.syslogPort}` : 'syslog off';
  const tls = server.syslogTlsPort ? `, TLS port ${server.syslogTlsPort}` : '';
  process.stdout.write(
    `Driftwood is running at ${server.url} (${syslog}${tls}).\n` +
      `Create a Heroku drain:  npm run driftwood -- drain add my-app\n` +
      `Send a test line:       logger -n 127.0.0.1 -P ${server.syslogPort ?? 5514} --tcp "hello from $(hostname)"\n`,
  );
  if (server.setupCode) {
    process.stdout.write(
      `\nNo user yet. Open ${server.url}/setup and use code ${server.setupCode}, or run:\n` +
        `  npm run driftwood -- user add you@example.com --admin --password-stdin\n`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info(`received ${signal}: shutting down`);
      void server.close().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}
