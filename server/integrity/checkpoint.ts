// Signed checkpoints: a day's chain head, signed with the server's Ed25519 key and kept somewhere
// else (DRIFTWOOD_HEAD_EXPORT), so that `driftwood verify --checkpoints FILE` can tell a history
// rewritten with recomputed hashes from the one that was exported (docs/SECURITY.md).
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Checkpoint {
  day: string;
  batch: number;
  hash: string;
  events: number;
  last_id: number;
  /** When the head was read (ISO 8601). */
  at: string;
}

export interface Keys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as printed and as `verify --public-key` takes it: `ed25519:<base64url>`. */
  publicText: string;
}

export const KEYS_FILE = 'integrity-key.pem';

/** The signed text: the fields in a fixed order (JSON), so that any verifier can rebuild it. */
function signedText(c: Checkpoint): string {
  return JSON.stringify([c.day, c.batch, c.hash, c.events, c.last_id, c.at]);
}

export function publicKeyText(publicKey: KeyObject): string {
  return `ed25519:${publicKey.export({ format: 'jwk' }).x}`;
}

export function parsePublicKey(text: string): KeyObject {
  const m = /^ed25519:([A-Za-z0-9_-]{43})$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a public key like ed25519:<43 base64url characters>`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: m[1] }, format: 'jwk' });
}

/** The data directory's key pair, made on first use (the private key file readable by its owner only). */
export function loadKeys(dataDir: string): Keys {
  const path = join(dataDir, KEYS_FILE);
  if (!existsSync(path)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    // 'wx': never overwrite a key another process made meanwhile.
    try {
      writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    chmodSync(path, 0o600);
  }
  const privateKey = createPrivateKey(readFileSync(path));
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicText: publicKeyText(publicKey) };
}

/** One line of a checkpoint file: the checkpoint and its signature (`sig`, base64). */
export function signCheckpoint(c: Checkpoint, privateKey: KeyObject): string {
  return JSON.stringify({ ...c, sig: sign(null, Buffer.from(signedText(c)), privateKey).toString('base64') });
}

/** The checkpoints of a file, or the first line that is malformed or not signed by `publicKey`. */
export function readCheckpoints(text: string, publicKey: KeyObject): { ok: true; checkpoints: Checkpoint[] } | { ok: false; line: number; message: string } {
  const checkpoints: Checkpoint[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let c: Checkpoint & { sig?: unknown };
    try {
      c = JSON.parse(line) as Checkpoint & { sig?: unknown };
    } catch {
      return { ok: false, line: i + 1, message: 'not JSON' };
    }
    if (typeof c.sig !== 'string' || typeof c.day !== 'string' || !Number.isSafeInteger(c.batch) || typeof c.hash !== 'string' || !Number.isSafeInteger(c.events) || !Number.isSafeInteger(c.last_id) || typeof c.at !== 'string') {
      return { ok: false, line: i + 1, message: 'not a checkpoint (day, batch, hash, events, last_id, at, sig)' };
    }
    const checkpoint: Checkpoint = { day: c.day, batch: c.batch, hash: c.hash, events: c.events, last_id: c.last_id, at: c.at };
    if (!verify(null, Buffer.from(signedText(checkpoint)), publicKey, Buffer.from(c.sig, 'base64'))) return { ok: false, line: i + 1, message: 'bad signature (not signed by this key)' };
    checkpoints.push(checkpoint);
  }
  return { ok: true, checkpoints };
}
