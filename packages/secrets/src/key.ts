import { createHash, randomBytes } from 'node:crypto';

/** A key-encryption key: 32 random bytes, and the id that ciphertexts made with it carry. */
export interface SecretKey {
  readonly id: string;
  readonly bytes: Buffer;
}

export const KEY_BYTES = 32;
export const KEY_HINT = 'make one with: openssl rand -base64 32';

/**
 * The id is derived from the key itself, so nobody has to name keys and two different keys
 * never share an id by mistake. It is a hash, so it says nothing useful about the key.
 */
function keyId(bytes: Buffer): string {
  return createHash('sha256').update('slotplane-secrets-key-id\0').update(bytes).digest('hex').slice(0, 12);
}

/** Parses a base64 key; the error never repeats the text it was given (it may be a real key). */
export function parseKey(text: string): SecretKey {
  const trimmed = text.trim();
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (bytes.length !== KEY_BYTES) throw new Error(`must be ${KEY_BYTES} bytes, base64-encoded (${KEY_HINT})`);
  return { id: keyId(bytes), bytes };
}

/** A new random key, base64-encoded (what SECRETS_KEY and the data dir's key file hold). */
export const generateKey = (): string => randomBytes(KEY_BYTES).toString('base64');
