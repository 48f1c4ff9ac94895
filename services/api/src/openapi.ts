import { fileURLToPath } from 'node:url';
import type { Database } from '@slotplane/db';
import { Keyring, generateKey, parseKey } from '@slotplane/secrets';
import { buildApp } from './app.ts';

/** The tenant API's document, committed for SDK generators. */
export const openApiPath = fileURLToPath(new URL('../openapi.json', import.meta.url));
/** The agent API's document (what slotplane-agent calls), committed beside it. */
export const agentOpenApiPath = fileURLToPath(new URL('../openapi-agent.json', import.meta.url));

/** Both OpenAPI documents as the routes declare them (GET /openapi.json, GET /openapi-agent.json). Building them touches neither Postgres nor Redis. */
export async function openApiDocuments(): Promise<{ tenant: string; agent: string }> {
  const unused = async () => {
    throw new Error('not used while generating the OpenAPI document');
  };
  const database = { db: null as never, kind: 'postgres', migrate: unused, ping: unused, listen: unused, close: unused } satisfies Database;
  const app = await buildApp({ database, queue: { enqueue: unused, ping: unused }, secrets: new Keyring(parseKey(generateKey())) });
  await app.ready();
  // Read from the routes that serve them, so what is committed is what is served.
  const served = async (url: string) => `${JSON.stringify((await app.inject({ method: 'GET', url })).json(), null, 2)}\n`;
  const docs = { tenant: await served('/openapi.json'), agent: await served('/openapi-agent.json') };
  await app.close();
  return docs;
}

/** The tenant API's document. */
export const openApiDocument = async () => (await openApiDocuments()).tenant;
