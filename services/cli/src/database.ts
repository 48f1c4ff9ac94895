import { resolve } from 'node:path';
import { openDatabase, type Database } from '@slotplane/db';

export const dataDir = () => resolve(process.env.DATA_DIR ?? ".data");

/** Postgres at DATABASE_URL when set, else the embedded PGlite database under the data dir. */
export function openDb(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  return url ? openDatabase({ url }) : openDatabase({ pgliteDir: resolve(dataDir(), 'pg') });
}
