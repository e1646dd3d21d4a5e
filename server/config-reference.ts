// docs/CONFIGURATION.md, generated from the option schema in config.ts so that it is the same
// text as `driftwood serve --help`. `npm run docs:config` rewrites it; a test fails when it drifts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CONFIG_FILE, configHelp } from './config.ts';

export const REFERENCE_PATH = fileURLToPath(new URL('../docs/CONFIGURATION.md', import.meta.url));

export function configReference(): string {
  return `# Configuration

<!-- Generated from server/config.ts by \`npm run docs:config\`: edit the schema there, not this file. -->

Driftwood is configured by environment variables, by the matching \`driftwood serve\` flags, or by
a config file. This is the output of \`driftwood serve --help\` (\`npm run driftwood -- serve --help\`):

\`\`\`text
${configHelp()}\`\`\`

## The config file

\`${CONFIG_FILE.env}=/etc/driftwood.env\` (or \`driftwood serve ${CONFIG_FILE.flag} /etc/driftwood.env\`)
names a file of \`KEY=VALUE\` lines, in the syntax of systemd's \`EnvironmentFile=\`, so one file can
serve both:

\`\`\`sh
# /etc/driftwood.env — readable by the driftwood user only (chmod 600): it may hold the SMTP password.
DRIFTWOOD_DATA_DIR=/var/lib/driftwood
DRIFTWOOD_PUBLIC_URL=https://logs.example.com
DRIFTWOOD_SMTP_URL="smtp://alerts:s3cret@mail.example.com:587"
; lines starting with # or ; are comments
DRIFTWOOD_MAIL_FROM='Driftwood <driftwood@example.com>'
\`\`\`

- A value is taken as written, without the spaces around it, or quoted: \`'…'\` literally, \`"…"\`
  with \`\\"\`, \`\\\\\` and \`\\n\` escapes. As in systemd, a \`#\` after a value is part of the value.
- The real environment overrides the file, and flags override both: \`DRIFTWOOD_HTTP_PORT=9000\`
  on the command line wins over the file's line. A variable set to the empty string counts as set.
- A key that is not a Driftwood setting, a line that is not \`KEY=VALUE\`, an unclosed quote or a
  bad value stops the server at start with the file and line: \`/etc/driftwood.env:4:
  DRIFTWOOD_HTTP_PROT is not a Driftwood setting; did you mean DRIFTWOOD_HTTP_PORT?\`.
- The other commands that read the data directory (\`driftwood user\`, \`token\`, \`alerts\`, \`drain\`,
  \`backup\`) read \`${CONFIG_FILE.env}\` too.
`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(REFERENCE_PATH, configReference());
  process.stdout.write(`wrote ${REFERENCE_PATH}\n`);
}
