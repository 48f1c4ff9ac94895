import type { Db } from '@slotplane/db';
import { Keyring } from '@slotplane/secrets';
import { createKey, keyEnv, keyFile, nextKeyFile, openKeyring, readKey } from './keys.ts';
import { replaceFile } from './private-files.ts';
import { reencryptAll, tallySecrets, type Rewritten } from './stored-secrets.ts';

function describe(done: Rewritten, keyId: string): string {
  const counts = Object.entries(done.rewritten).map(([what, n]) => `${n} ${what}`).join(', ');
  const plaintext = done.fromPlaintext ? ` (${done.fromPlaintext} of them were plaintext, written before encryption at rest)` : '';
  return `re-encrypted under key ${keyId}: ${counts}${plaintext}; ${done.current} were under it already`;
}

/**
 * `slotplane secrets rotate-key`. With SECRETS_KEY set, rewrites every secret under it (old
 * keys in SECRETS_KEY_PREVIOUS); the operator keeps the keys. Otherwise a new key is written
 * beside the data dir's key first, every secret is rewritten under it, and only then does it
 * replace the old one: a crash at any point leaves both keys on disk, and running the command
 * again resumes with the same new key.
 */
export async function rotateKey(db: Db): Promise<string[]> {
  const env = keyEnv();
  if (env.SECRETS_KEY) {
    const ring = new Keyring(env.SECRETS_KEY, env.SECRETS_KEY_PREVIOUS);
    const done = await reencryptAll(db, ring);
    return [describe(done, ring.current.id), `every stored secret is under SECRETS_KEY (${ring.current.id}): SECRETS_KEY_PREVIOUS can be removed from the API and the workers`];
  }
  const [file, nextFile] = [keyFile(), nextKeyFile()];
  const old = readKey(file);
  const resumed = readKey(nextFile);
  const next = resumed ?? createKey(nextFile);
  const done = await reencryptAll(db, new Keyring(next, [...(old ? [old] : []), ...env.SECRETS_KEY_PREVIOUS]));
  replaceFile(nextFile, file);
  return [
    ...(resumed ? [`resumed the unfinished rotation to key ${next.id}`] : []),
    describe(done, next.id),
    `${file} holds key ${next.id} now${old && old.id !== next.id ? `; key ${old.id} is deleted (nothing is encrypted under it any more)` : ''}`,
  ];
}

/** `slotplane secrets status`: what every stored secret is under, each one decrypted to prove it. */
export async function secretsStatus(db: Db): Promise<{ lines: string[]; ok: boolean }> {
  const { ring, from } = await openKeyring(db, { create: false });
  const tally = await tallySecrets(db, ring);
  const lines = [`encrypting with key ${ring.current.id} (from ${from})`];
  for (const [id, n] of tally.byKey) {
    lines.push(`  ${n} secrets under key ${id}${id === ring.current.id ? ' (current)' : ': readable, rotate-key moves them to the current key'}`);
  }
  if (tally.plaintext) lines.push(`  ${tally.plaintext} secrets in plaintext (written before encryption at rest): rotate-key encrypts them`);
  if (tally.unreadable.length) lines.push(`  ${tally.unreadable.length} secrets unreadable:`, ...tally.unreadable.map((u) => `    ${u}`));
  return { lines, ok: tally.unreadable.length === 0 };
}
