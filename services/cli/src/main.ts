#!/usr/bin/env -S npx tsx
import { parseArgs } from 'node:util';
import { createEnrollmentToken, createTenant } from '@slotplane/api';
import { openDb } from './database.ts';
import { start } from './start.ts';

const USAGE = `usage: slotplane <command>

  start                       run API + worker on embedded defaults (PGlite, a private redis-server)
  migrate                     apply database migrations
  tenant create <name> [--admin]
                              create a tenant (or reuse it) and print a new API key for it, once;
                              --admin: the key may also list hosts (GET /v1/hosts)
  host enroll-token           print a new enrollment token for slotplane-agent --enroll-token, once

Environment: DATABASE_URL (else PGlite under DATA_DIR), REDIS_URL (else a private redis-server),
DATA_DIR (default .data), PORT (default 8080). See infra/ENVIRONMENT.md.`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { admin: { type: 'boolean' } } });
  const [command, sub, name] = positionals;
  switch (command) {
    case 'start':
      await start();
      return 0;
    case 'migrate': {
      const database = await openDb();
      await database.migrate();
      await database.close();
      console.log('migrations applied');
      return 0;
    }
    case 'tenant': {
      if (sub !== 'create' || !name) break;
      const database = await openDb();
      await database.migrate();
      const t = await createTenant(database.db, name, values.admin ? 'admin' : 'write');
      await database.close();
      console.log(`tenant ${t.name} (${t.tenantId})\nAPI key (shown once, keep it): ${t.apiKey}`);
      return 0;
    }
    case 'host': {
      if (sub !== 'enroll-token') break;
      const database = await openDb();
      await database.migrate();
      const token = await createEnrollmentToken(database.db);
      await database.close();
      console.log(`enrollment token (shown once): ${token}\nstart an agent: slotplane-agent --api-url <url> --enroll-token ${token} --name <host> --address <ip> --data-dir <dir>`);
      return 0;
    }
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => code !== 0 && process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
