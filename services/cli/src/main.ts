#!/usr/bin/env -S npx tsx
import { parseArgs } from 'node:util';
import { ENROLLMENT_TOKEN_MAX_TTL_MS, createEnrollmentToken, createTenant, findHostId, revokeHost, rotateHostCredential } from '@slotplane/api';
import { openDb } from './database.ts';
import { parseDuration } from './duration.ts';
import { start } from './start.ts';

const USAGE = `usage: slotplane <command>

  start                       run API + worker on embedded defaults (PGlite, a private redis-server)
  migrate                     apply database migrations
  tenant create <name> [--admin]
                              create a tenant (or reuse it) and print a new API key for it, once;
                              --admin: the key may also list hosts (GET /v1/hosts)
  host enroll-token [--ttl 1h]
                              print a new enrollment token for slotplane-agent --enroll-token, once;
                              it enrolls one new host, once, within --ttl (90s, 30m, 1h, 7d at most;
                              default 1h); a name already enrolled is refused
  host revoke <name>          revoke a host for good: its credential is refused, it gets no more
                              assignments or passwords, and counts as lost (its nodes are replaced
                              elsewhere once they stop answering: stop the machine)
  host rotate-credential <name>
                              print a new credential for a host, once; the old one is refused at
                              once: write it to <agent data dir>/host-token and restart the agent

Environment: DATABASE_URL (else PGlite under DATA_DIR), REDIS_URL (else a private redis-server),
DATA_DIR (default .data), PORT (default 8080). See infra/ENVIRONMENT.md.`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { admin: { type: 'boolean' }, ttl: { type: 'string' } } });
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
      if (sub === 'enroll-token' && !name) {
        const ttlMs = values.ttl === undefined ? undefined : parseDuration(values.ttl);
        if (values.ttl !== undefined && (ttlMs === undefined || ttlMs < 1000 || ttlMs > ENROLLMENT_TOKEN_MAX_TTL_MS)) {
          console.error(`--ttl ${values.ttl}: give a number and a unit from 1s to 7d, e.g. 90s, 30m, 1h, 7d`);
          return 2;
        }
        const database = await openDb();
        await database.migrate();
        const token = await createEnrollmentToken(database.db, ttlMs).finally(() => database.close());
        console.log(`enrollment token (shown once; enrolls one host, within ${values.ttl ?? '1h'}): ${token}
start an agent: slotplane-agent --api-url <url> --enroll-token ${token} --name <host> --address <ip> --data-dir <dir>`);
        return 0;
      }
      if ((sub === 'revoke' || sub === 'rotate-credential') && name) {
        const database = await openDb();
        await database.migrate();
        try {
          const hostId = await findHostId(database.db, name);
          if (!hostId) {
            console.error(`no host named ${name}`);
            return 1;
          }
          if (sub === 'revoke') {
            const host = (await revokeHost(database.db, hostId))!;
            console.log(`host ${host.name} (${host.id}) revoked at ${host.revokedAt!.toISOString()}: its credential is refused and it counts as lost.
Its nodes are replaced on other hosts once they stop answering: stop its agent and redis-servers (or the machine).`);
          } else {
            const { hostToken } = await rotateHostCredential(database.db, hostId);
            console.log(`new credential of host ${name} (shown once; the old one is refused from now on): ${hostToken}
install it: write it to <agent data dir>/host-token (mode 600) and restart slotplane-agent; its redis-servers keep running meanwhile.`);
          }
          return 0;
        } finally {
          await database.close();
        }
      }
      break;
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
