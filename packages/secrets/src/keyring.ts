import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from './key.ts';

/**
 * Stored form: `enc:v1:<key id>:<base64url(iv | ciphertext | GCM tag)>`. Self-describing, so a
 * reader picks the right key and rotation tells what is under an old key. Anything without the
 * `enc:` prefix is a value written before encryption existed (legacy plaintext).
 */
export const CIPHERTEXT_PREFIX = 'enc:';
const PREFIX = CIPHERTEXT_PREFIX;
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type StoredSecret = { kind: 'plaintext' } | { kind: 'encrypted'; keyId: string };

/** What a stored value is, without decrypting it. */
export function inspect(stored: string): StoredSecret {
  if (!stored.startsWith(PREFIX)) return { kind: 'plaintext' };
  const [, version, keyId] = stored.split(':');
  if (version !== VERSION || !keyId) throw new Error(`a stored secret has an unknown format (${version ?? '?'}); is this an older Slotplane?`);
  return { kind: 'encrypted', keyId };
}

/** Encrypts with the current key; decrypts with whichever known key a value names. */
export class Keyring {
  private readonly keys = new Map<string, SecretKey>();

  constructor(
    readonly current: SecretKey,
    others: readonly SecretKey[] = [],
  ) {
    for (const k of [current, ...others]) this.keys.set(k.id, k);
  }

  /** The ids of every key this ring can decrypt with, the current one first. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  encrypt(plaintext: string): string {
    const header = `${PREFIX}${VERSION}:${this.current.id}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, iv);
    // The header is authenticated too: a value cannot be passed off as another key's.
    cipher.setAAD(Buffer.from(header));
    const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${header}:${body.toString('base64url')}`;
  }

  /** The plaintext of a stored value; legacy plaintext is returned as it is. */
  decrypt(stored: string): string {
    const what = inspect(stored);
    if (what.kind === 'plaintext') return stored;
    const key = this.keys.get(what.keyId);
    if (!key) throw new Error(`a stored secret is encrypted under key ${what.keyId}, which is not configured (known: ${this.keyIds.join(', ')}); set SECRETS_KEY_PREVIOUS to that key`);
    const header = stored.slice(0, stored.lastIndexOf(':'));
    const body = Buffer.from(stored.slice(header.length + 1), 'base64url');
    if (body.length < IV_BYTES + TAG_BYTES) throw new Error(`a stored secret under key ${what.keyId} is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, body.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(header));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`a stored secret under key ${what.keyId} does not authenticate: it was altered, or the key is not the one it was made with`);
    }
  }

  /** Anything but ciphertext under the current key: what rotation rewrites. */
  isStale(stored: string): boolean {
    const what = inspect(stored);
    return what.kind === 'plaintext' || what.keyId !== this.current.id;
  }
}
