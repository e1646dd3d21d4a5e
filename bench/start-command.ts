// How `npm start` runs the server: the environment its start script sets and node's flags, read
// from package.json, so that every benchmark measures what users run and none keeps its own copy.
import { readFileSync } from 'node:fs';

export interface StartCommand {
  env: Record<string, string>;
  nodeArgs: string[];
}

export function startCommand(): StartCommand {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  // `npm run build --silent && NAME=value … node --flag … server/dist/main.js serve`
  const words = pkg.scripts.start.split('&&').at(-1)!.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (/^\w+=/.test(words[0]!)) {
    const [name, value] = words.shift()!.split('=') as [string, string];
    env[name] = value;
  }
  if (words.shift() !== 'node') throw new Error(`package.json's start script no longer runs node: ${pkg.scripts.start}`);
  return { env, nodeArgs: words.filter((w) => w.startsWith('--')) };
}
