import { z } from 'zod';
import { KEY_HINT, parseKey, type SecretKey } from './key.ts';
import { Keyring } from './keyring.ts';

const key = (text: string, ctx: z.RefinementCtx): SecretKey => {
  try {
    return parseKey(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
};

/**
 * SECRETS_KEY (required: there is no safe default for a key) and SECRETS_KEY_PREVIOUS (keys
 * still accepted for decryption while a rotation runs, comma-separated). Spread into a
 * service's env schema.
 */
export const secretsEnv = {
  SECRETS_KEY: z
    .string({ error: (issue) => (issue.input === undefined ? `required: the key that encrypts passwords and webhook secrets in the database, 32 bytes base64 (${KEY_HINT})` : undefined) })
    .transform(key),
  SECRETS_KEY_PREVIOUS: z
    .string()
    .optional()
    .transform((text, ctx) => (text ?? '').split(',').filter((s) => s.trim() !== '').map((s) => key(s, ctx))),
};

export const keyringFromEnv = (env: { SECRETS_KEY: SecretKey; SECRETS_KEY_PREVIOUS: SecretKey[] }): Keyring =>
  new Keyring(env.SECRETS_KEY, env.SECRETS_KEY_PREVIOUS);
