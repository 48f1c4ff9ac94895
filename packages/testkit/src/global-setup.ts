import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '@slotplane/db';
import { startRedisServer, startThrowawayPostgres } from '@slotplane/embedded';
import { buildConsole } from '@slotplane/console';
import { buildChildBundles, consoleDir } from './bundles.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test Postgres server. */
    postgresUrl: string;
    /** Name of the migrated template database each test file clones. */
    templateDatabase: string;
    /** Prefix of every database this run creates (dropped at the end). */
    databasePrefix: string;
    /** A private redis-server for queues. */
    redisUrl: string;
    /** Whether the agents', workers' and CLI's bundles were built for this run (childCommand). */
    childBundles: boolean;
    /** The admin console built for this run (CONSOLE_DIR for `start`). */
    consoleDir: string;
  }
}

export const withDatabase = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/**
 * Once per `vitest run`: a real Postgres (DATABASE_URL, or a throwaway server from the
 * machine's binaries), a template database with every migration applied, and a private
 * redis-server on a free port; the bundles of the processes tests start. Nothing shared on the machine is touched but new databases.
 */
export default async function setup(project: TestProject) {
  const bundles = buildChildBundles();
  const builtConsole = buildConsole(consoleDir, { force: true });
  const throwaway = process.env.DATABASE_URL ? undefined : await startThrowawayPostgres();
  const postgresUrl = process.env.DATABASE_URL ?? throwaway!.url;
  const prefix = `slotplane_t${randomBytes(4).toString('hex')}`;
  const template = `${prefix}_template`;

  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create database ${template}`);
  const database = await openDatabase({ url: withDatabase(postgresUrl, template), poolSize: 1 });
  await database.migrate();
  await database.close();

  const redis = await startRedisServer();
  project.provide('postgresUrl', postgresUrl);
  project.provide('templateDatabase', template);
  project.provide('databasePrefix', prefix);
  project.provide('redisUrl', redis.url);
  await bundles;
  project.provide('childBundles', true);
  project.provide('consoleDir', await builtConsole);

  return async () => {
    await redis.stop();
    if (throwaway) {
      await admin.end();
      await throwaway.stop();
      return;
    }
    const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${prefix}%`]);
    for (const { datname } of rows) await admin.query(`drop database if exists ${datname} with (force)`);
    await admin.end();
  };
}
