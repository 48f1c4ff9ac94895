import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { Keyring, generateKey, inspect, keyringFromEnv, parseKey, secretsEnv } from './index.ts';

const oldKey = parseKey(generateKey());
const newKey = parseKey(generateKey());

describe('Keyring', () => {
  it('stores a secret as ciphertext that names its key and gives the plaintext back', () => {
    const ring = new Keyring(oldKey);
    const stored = ring.encrypt('hunter2');
    expect(stored).toMatch(new RegExp(`^enc:v1:${oldKey.id}:`));
    expect(stored).not.toContain('hunter2');
    expect(ring.encrypt('hunter2')).not.toBe(stored);
    expect(ring.decrypt(stored)).toBe('hunter2');
  });

  it('reads a value written before encryption (no prefix) as the plaintext it is', () => {
    const ring = new Keyring(newKey);
    expect(ring.decrypt('whsec_legacy')).toBe('whsec_legacy');
    expect(ring.isStale('whsec_legacy')).toBe(true);
  });

  it('decrypts under a previous key while rotating, and marks only those values stale', () => {
    const before = new Keyring(oldKey).encrypt('pw');
    const during = new Keyring(newKey, [oldKey]);
    const after = during.encrypt('pw');
    expect(during.decrypt(before)).toBe('pw');
    expect(during.isStale(before)).toBe(true);
    expect(during.isStale(after)).toBe(false);
    expect(inspect(after)).toEqual({ kind: 'encrypted', keyId: newKey.id });
  });

  it('refuses a value under a key it does not have, naming that key', () => {
    const stored = new Keyring(oldKey).encrypt('pw');
    expect(() => new Keyring(newKey).decrypt(stored)).toThrow(new RegExp(`key ${oldKey.id}, which is not configured`));
  });

  it('refuses a value that was altered, or relabelled as another key\'s', () => {
    const ring = new Keyring(newKey, [oldKey]);
    const stored = ring.encrypt('pw');
    const flipped = stored.slice(0, -2) + (stored.at(-2) === 'A' ? 'B' : 'A') + stored.at(-1);
    expect(() => ring.decrypt(flipped)).toThrow(/does not authenticate/);
    expect(() => ring.decrypt(stored.replace(newKey.id, oldKey.id))).toThrow(/does not authenticate/);
  });
});

describe('secretsEnv', () => {
  const Env = z.object(secretsEnv);

  it('says what is missing and how to make a key', () => {
    const parsed = Env.safeParse({});
    expect(parsed.error?.issues[0]?.message).toMatch(/required: .*openssl rand -base64 32/);
  });

  it('refuses a key of the wrong size without repeating it', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    const parsed = Env.safeParse({ SECRETS_KEY: short });
    expect(parsed.error?.issues[0]?.message).toMatch(/must be 32 bytes/);
    expect(JSON.stringify(parsed.error?.issues)).not.toContain(short);
  });

  it('builds a ring that encrypts with SECRETS_KEY and still reads SECRETS_KEY_PREVIOUS', () => {
    const oldText = generateKey();
    const legacy = keyringFromEnv(Env.parse({ SECRETS_KEY: oldText })).encrypt('pw');
    const ring = keyringFromEnv(Env.parse({ SECRETS_KEY: generateKey(), SECRETS_KEY_PREVIOUS: ` ${oldText} ` }));
    expect(ring.decrypt(legacy)).toBe('pw');
  });
});
