import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { openDatabase, type Database } from '@slotplane/db';
import { makePrivate } from './private-files.ts';

export const dataDir = () => resolve(process.env.DATA_DIR ?? '.data');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The embedded database is one process's: a second opener's writes would be lost. The opener
 * holds `<dir>.lock` (its pid) until it closes; a lock whose process is gone is taken over.
 */
function lockEmbedded(dir: string): () => void {
  const file = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8'));
      if (holder && alive(holder)) {
        throw new Error(
          `the embedded database in ${dir} is in use by another slotplane process (pid ${holder}, e.g. a running \`slotplane start\`).\n` +
            'Stop it first, or do this through the API with an admin key (POST /v1/tenants, POST /v1/api-keys; see the README).',
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${file}`);
}

/** Postgres at DATABASE_URL when set, else the embedded PGlite database under the data dir (locked while open). */
export async function openDb(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (url) return openDatabase({ url });
  const dir = resolve(dataDir(), 'pg');
  mkdirSync(dataDir(), { recursive: true });
  const unlock = lockEmbedded(dir);
  try {
    const database = await openDatabase({ pgliteDir: dir });
    // PGlite sets its files' modes itself (0666 for its initial files, whatever the umask): made
    // private here, once it has written them. Files it makes later sit in these 0700 directories.
    makePrivate(dir);
    return { ...database, close: () => database.close().finally(unlock) };
  } catch (err) {
    unlock();
    throw err;
  }
}
