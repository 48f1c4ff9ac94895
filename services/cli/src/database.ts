import { resolve } from 'node:path';
import { openDatabase, type Database } from '@slotplane/db';
import { makePrivate } from './private-files.ts';

export const dataDir = () => resolve(process.env.DATA_DIR ?? ".data");

/** Postgres at DATABASE_URL when set, else the embedded PGlite database under the data dir. */
export async function openDb(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (url) return openDatabase({ url });
  const pgliteDir = resolve(dataDir(), 'pg');
  const database = await openDatabase({ pgliteDir });
  // PGlite sets its files' modes itself (0666 for its initial files, whatever the umask): made
  // private here, once it has written them. Files it makes later sit in these 0700 directories.
  makePrivate(pgliteDir);
  return database;
}
