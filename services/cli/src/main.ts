#!/usr/bin/env -S npx tsx
import { parseArgs } from 'node:util';
import { createEnrollmentToken, createTenant } from '@slotplane/api';
import { openDb } from './database.ts';
import { PRIVATE_UMASK } from './private-files.ts';
import { rotateKey, secretsStatus } from './secrets.ts';
import { start } from './start.ts';

const USAGE = `usage: slotplane <command>

  start                       run API + worker on embedded defaults (PGlite, a private redis-server)
  migrate                     apply database migrations
  tenant create <name> [--admin]
                              create a tenant (or reuse it) and print a new API key for it, once;
                              --admin: the key may also list hosts (GET /v1/hosts)
  host enroll-token           print a new enrollment token for slotplane-agent --enroll-token, once
  secrets rotate-key          re-encrypt every stored password and webhook secret under a new key
                              (SECRETS_KEY if set, old keys in SECRETS_KEY_PREVIOUS; else a new key
                              replaces DATA_DIR/secrets-key). Stop \`slotplane start\` first
  secrets status              how many stored secrets are under which key, each one decrypted

Environment: DATABASE_URL (else PGlite under DATA_DIR), REDIS_URL (else a private redis-server),
DATA_DIR (default .data), PORT (default 8080), SECRETS_KEY (else DATA_DIR/secrets-key).
See infra/ENVIRONMENT.md.`;

async function main(argv: string[]): Promise<number> {
  // Before anything is created: the data dir (keys, passwords, PGlite's files) is the owner's alone.
  process.umask(PRIVATE_UMASK);
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
      const t = await createTenant(database.db, name, values.admin ? 'admin' : 'tenant');
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
    case 'secrets': {
      if (sub !== 'rotate-key' && sub !== 'status') break;
      const database = await openDb();
      await database.migrate();
      try {
        if (sub === 'rotate-key') {
          for (const line of await rotateKey(database.db)) console.log(line);
          return 0;
        }
        const status = await secretsStatus(database.db);
        for (const line of status.lines) console.log(line);
        return status.ok ? 0 : 1;
      } finally {
        await database.close();
      }
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
