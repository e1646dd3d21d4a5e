// `driftwood serve`: validate the configuration, start everything, stop cleanly on SIGTERM/SIGINT.
import { configHelp, describeConfig, loadConfig } from '../config.ts';
import { nativeUnavailable } from '../integrity/native.ts';
import { createLogger } from '../log.ts';
import { startServer } from '../main.ts';

// docker stop and systemd's TimeoutStopSec send SIGKILL 10 s after SIGTERM (the defaults of
// Docker, and a common setting): give up a second before that, saying what did not stop.
const SHUTDOWN_DEADLINE_MS = 9_000;

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
  const log = await createLogger({ level: loaded.config.logLevel, format: loaded.config.logFormat });
  for (const line of describeConfig(loaded.config)) log.info(`config ${line}`);
  if (nativeUnavailable) log.warn(`hash chain: the native batch digest is not built (${nativeUnavailable}); hashing with Node crypto, which costs ingest more CPU. Run \`npm rebuild\` or \`npm install\` with python3, make and g++`);
  // Listeners stay for the whole shutdown: without one a second signal would kill the process
  // (under `npm start` a Ctrl-C reaches node twice, from the terminal and forwarded by npm).
  // Registered before starting, so that a signal during startup stops the server cleanly too.
  const signalled = new Promise<string>((resolve) => {
    let first: string | undefined;
    const onSignal = (name: string) => {
      if (first) log.warn(`received ${name}: already shutting down`);
      else resolve((first = name));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
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
  const signal = await signalled;
  log.info(`received ${signal}: shutting down (stops accepting, commits what is queued, answers requests in flight)`);
  // Unref'd: fires only if something still holds the process open after the deadline.
  setTimeout(() => {
    const left = server.stillStopping();
    log.error(`shutdown: still running after ${SHUTDOWN_DEADLINE_MS / 1000} s (${left.length ? `not stopped: ${left.join(', ')}` : 'every part stopped, but open handles remain'}); exiting`);
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
  await server.close();
  log.info('shutdown complete');
  return 0;
}
