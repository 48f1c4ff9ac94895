import { fileURLToPath } from 'node:url';
import type { Database } from '@slotplane/db';
import { Keyring, generateKey, parseKey } from '@slotplane/secrets';
import { buildApp } from './app.ts';

export const openApiPath = fileURLToPath(new URL('../openapi.json', import.meta.url));

/** The OpenAPI document as the routes declare it. Building it touches neither Postgres nor Redis. */
export async function openApiDocument(): Promise<string> {
  const unused = async () => {
    throw new Error('not used while generating the OpenAPI document');
  };
  const database = { db: null as never, kind: 'postgres', migrate: unused, ping: unused, listen: unused, close: unused } satisfies Database;
  const app = await buildApp({ database, queue: { enqueue: unused, ping: unused }, secrets: new Keyring(parseKey(generateKey())) });
  await app.ready();
  const doc = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  return doc;
}
