import { join } from 'node:path';
import { z } from 'zod';
import { parseEnv } from '@slotplane/contracts';
import type { Db } from '@slotplane/db';
import { Keyring, generateKey, parseKey, secretsEnv, type SecretKey } from '@slotplane/secrets';
import { dataDir } from './database.ts';
import { createPrivateFileOnce, readIfExists } from './private-files.ts';
import { holdsCiphertext } from './stored-secrets.ts';

/** SECRETS_KEY is optional here: without it the key is kept in the data dir. */
const KeyEnv = z.object({ SECRETS_KEY: secretsEnv.SECRETS_KEY.optional(), SECRETS_KEY_PREVIOUS: secretsEnv.SECRETS_KEY_PREVIOUS });
export const keyEnv = () => parseEnv(KeyEnv);

/** The data dir's key, and the one a rotation writes beside it until every secret is under it. */
export const keyFile = () => join(dataDir(), 'secrets-key');
export const nextKeyFile = () => join(dataDir(), 'secrets-key.next');

export function readKey(file: string): SecretKey | undefined {
  const text = readIfExists(file);
  if (text === undefined) return undefined;
  try {
    return parseKey(text);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

/** A new key in `file`, unless another process made one there first: then that one. */
export function createKey(file: string): SecretKey {
  return parseKey(createPrivateFileOnce(file, generateKey()));
}

/**
 * The keys the CLI encrypts and decrypts with: SECRETS_KEY (+ SECRETS_KEY_PREVIOUS) when set,
 * else the data dir's key, made on first use. A rotation that did not finish left its new key
 * beside the old one: both decrypt, so every row stays readable until it is run again.
 */
export async function openKeyring(db: Db, { create = true } = {}): Promise<{ ring: Keyring; from: string }> {
  const env = keyEnv();
  if (env.SECRETS_KEY) return { ring: new Keyring(env.SECRETS_KEY, env.SECRETS_KEY_PREVIOUS), from: 'SECRETS_KEY' };
  const file = keyFile();
  let current = readKey(file);
  if (!current) {
    if (!create) throw new Error(`${file} does not exist (\`slotplane start\` makes it) and SECRETS_KEY is not set`);
    // A first start has nothing encrypted yet; anything else means the key file was lost.
    if (await holdsCiphertext(db)) throw new Error(`${file} is missing, but the database holds secrets encrypted under a key: restore that file (or set SECRETS_KEY)`);
    current = createKey(file);
  }
  const unfinished = readKey(nextKeyFile());
  return { ring: new Keyring(current, [...(unfinished ? [unfinished] : []), ...env.SECRETS_KEY_PREVIOUS]), from: file };
}
