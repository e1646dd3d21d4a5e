// The guides in docs/guides/ are tested by running their own text: a fenced code block is named
// by the second word of its info string (```conf rsyslog-tcp), and a test takes it from the
// markdown, puts in its own host, ports and paths, and runs it. A guide edit cannot drift from its test.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GUIDES = fileURLToPath(new URL('../../docs/guides/', import.meta.url));

/** The code block named `name` in docs/guides/`file`; `replace` swaps each key for its value. */
export function guideBlock(file: string, name: string, replace: Record<string, string | number> = {}): string {
  const text = readFileSync(join(GUIDES, file), 'utf8');
  const blocks = [...text.matchAll(/^```[\w-]* ([\w-]+)[^\n]*\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === name);
  if (blocks.length !== 1) throw new Error(`docs/guides/${file}: expected one code block named "${name}", found ${blocks.length}`);
  let block = blocks[0]![2]!;
  for (const [from, to] of Object.entries(replace)) {
    if (!block.includes(from)) throw new Error(`docs/guides/${file} block "${name}" no longer contains "${from}"`);
    block = block.replaceAll(from, String(to));
  }
  return block;
}

/** A self-signed certificate for `name` (and 127.0.0.1), made with openssl as the guides say. */
export function makeCert(dir: string, name = 'logs.example.com'): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name},IP:127.0.0.1`, '-days', '2', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}
