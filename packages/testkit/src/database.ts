import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '@slotplane/db';
import { withDatabase } from './global-setup.ts';

/** A fresh, migrated database of its own (cloned from the run's template), for one test file. */
export async function createTestDatabase(): Promise<Database & { url: string }> {
  const postgresUrl = inject('postgresUrl');
  const name = `${inject('databasePrefix')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${inject('templateDatabase')}`);
  await admin.end();
  const url = withDatabase(postgresUrl, name);
  return Object.assign(await openDatabase({ url }), { url });
}

/** A plain connection of its own, for tests that drive transactions by hand (BEGIN ... COMMIT). */
export async function rawConnection(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}
