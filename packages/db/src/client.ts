import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** The database handle every service gets: the same API over node-postgres or PGlite. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  /** 'postgres' for a real server, 'pglite' for the embedded one. */
  kind: 'postgres' | 'pglite';
  migrate(): Promise<void>;
  ping(): Promise<void>;
  /**
   * Calls `onMessage` with the payload of every NOTIFY on `channel`, and with '*' after the
   * listening connection was lost and restored (notifications may have been missed meanwhile).
   * Resolves to a function that stops listening.
   */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const migrationsFolder = fileURLToPath(new URL('../../../migrations', import.meta.url));

export type DatabaseConfig = { url: string; poolSize?: number } | { pgliteDir: string };

/** Opens Postgres at `url`, or an embedded PGlite database kept in `pgliteDir`. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if ('url' in config) {
    const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize ?? 10 });
    // An idle client that loses its server must not crash the process.
    pool.on('error', () => {});
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    const listeners: Array<{ close(): Promise<void> }> = [];
    return {
      db,
      kind: 'postgres',
      migrate: () => migratePg(drizzlePg(pool, { schema }), { migrationsFolder }),
      ping: async () => void (await pool.query('select 1')),
      listen: async (channel, onMessage) => {
        const listener = await listenPg(config.url, channel, onMessage);
        listeners.push(listener);
        return listener.close;
      },
      close: async () => {
        await Promise.all(listeners.map((l) => l.close()));
        await pool.end();
      },
    };
  }
  // Loaded only when used: a server on real Postgres never pays for the WASM build.
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  mkdirSync(config.pgliteDir, { recursive: true });
  const client = await PGlite.create(config.pgliteDir);
  const pglite = drizzlePglite(client, { schema });
  return {
    db: pglite as unknown as Db,
    kind: 'pglite',
    migrate: () => migratePglite(pglite, { migrationsFolder }),
    ping: async () => void (await client.query('select 1')),
    listen: async (channel, onMessage) => {
      const unlisten = await client.listen(channel, onMessage);
      return unlisten;
    },
    close: () => client.close(),
  };
}

/** One dedicated connection that LISTENs, and reconnects (saying '*') when it is lost. */
async function listenPg(url: string, channel: string, onMessage: (payload: string) => void): Promise<{ close(): Promise<void> }> {
  let closed = false;
  let client: pg.Client | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (msg) => msg.channel === channel && onMessage(msg.payload ?? ''));
    c.on('error', () => {});
    c.on('end', () => {
      if (closed) return;
      setTimeout(() => void connect().then(() => onMessage('*'), () => c.emit('end')), 1000).unref();
    });
    await c.connect();
    await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = c;
  };
  await connect();
  return {
    close: async () => {
      closed = true;
      await client?.end().catch(() => {});
    },
  };
}
