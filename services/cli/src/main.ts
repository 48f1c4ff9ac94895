#!/usr/bin/env -S npx tsx
import { parseArgs } from 'node:util';
import { KeyScope, TenantName } from '@slotplane/contracts';
import type { Db } from '@slotplane/db';
import { UsageError, type Command, type Values } from './command.ts';
import { CONFIG_COMMANDS } from './config-commands.ts';
import { parseDuration } from './duration.ts';
import { PRIVATE_UMASK } from './private-files.ts';
import { TENANT_COMMANDS } from './tenant-commands.ts';

// The API and the services are loaded by the commands that use them: --help stays instant.
const api = () => import('@slotplane/api');

/** Opens the database (migrated), runs `fn`, closes it. */
async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const { openDb } = await import('./database.ts');
  const database = await openDb();
  try {
    await database.migrate();
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

const COMMANDS: Record<string, Command> = {
  start: {
    usage: 'start',
    help: 'Run the API, the worker and one local agent on embedded defaults (PGlite under DATA_DIR, a private redis-server).',
    run: async () => (await import('./start.ts')).start(),
  },
  migrate: {
    usage: 'migrate',
    help: 'Apply database migrations.',
    run: async () => {
      await withDb(async () => {});
      console.log('migrations applied');
    },
  },
  'tenant create': {
    usage: 'tenant create <name> [--scope read|write|admin]',
    help: 'Create a tenant (or reuse the one of that name) and print a new API key for it, once. --scope admin (or --admin): the key manages the fleet (tenants, hosts, every tenant\'s events, /metrics). Default scope: write.',
    options: { scope: { type: 'string' }, admin: { type: 'boolean' } },
    args: ['name'],
    run: async ([name], values) => {
      const parsedName = TenantName.safeParse(name);
      if (!parsedName.success) throw new UsageError(`tenant name "${name}" ${parsedName.error.issues[0]!.message}`);
      const scope = KeyScope.safeParse(values.admin ? 'admin' : (values.scope ?? 'write'));
      if (!scope.success) throw new UsageError(`--scope must be one of read, write, admin`);
      const { createTenant } = await api();
      const t = await withDb((db) => createTenant(db, parsedName.data, scope.data));
      console.log(`tenant ${t.name} (${t.tenantId})\nAPI key, scope ${scope.data} (shown once, keep it): ${t.apiKey}`);
    },
  },
  'api-key list': {
    usage: 'api-key list <tenant>',
    help: "List a tenant's API keys: id, prefix, scope, name, created, last used, revoked. Never the keys themselves.",
    args: ['tenant'],
    run: async ([tenant]) => {
      const { listKeysOf } = await api();
      const keys = await withDb((db) => listKeysOf(db, tenant!));
      if (!keys) throw new UsageError(`no tenant named "${tenant}"`);
      for (const k of keys) {
        console.log([k.id, k.prefix, k.scope, k.name ?? '-', k.createdAt, k.lastUsedAt ?? 'never used', k.revokedAt ? `revoked ${k.revokedAt}` : 'live'].join('  '));
      }
    },
  },
  'api-key revoke': {
    usage: 'api-key revoke <key id>',
    help: 'Revoke an API key (its id from `api-key list`): every later request with it gets 401.',
    args: ['key id'],
    run: async ([id]) => {
      const { revokeKeyById } = await api();
      const key = await withDb((db) => revokeKeyById(db, id!));
      if (!key) throw new UsageError(`no API key with id "${id}"`);
      console.log(`revoked ${key.prefix}… (${key.scope}) at ${key.revokedAt}`);
    },
  },
  'host enroll-token': {
    usage: 'host enroll-token [--ttl 1h]',
    help: 'Print a new enrollment token for `slotplane-agent --enroll-token`, once. It enrolls one new host, once, within --ttl (90s, 30m, 1h, 7d at most; default 1h); a host name already enrolled is refused.',
    options: { ttl: { type: 'string' } },
    run: async (_args, values) => {
      const { ENROLLMENT_TOKEN_MAX_TTL_MS, createEnrollmentToken } = await api();
      const ttl = values.ttl as string | undefined;
      const ttlMs = ttl === undefined ? undefined : parseDuration(ttl);
      if (ttl !== undefined && (ttlMs === undefined || ttlMs < 1000 || ttlMs > ENROLLMENT_TOKEN_MAX_TTL_MS)) {
        throw new UsageError(`--ttl ${ttl}: give a number and a unit from 1s to 7d, e.g. 90s, 30m, 1h, 7d`);
      }
      const token = await withDb((db) => createEnrollmentToken(db, ttlMs));
      console.log(`enrollment token (shown once; enrolls one host, within ${ttl ?? '1h'}): ${token}
start an agent: slotplane-agent --api-url <url> --enroll-token ${token} --name <host> --address <ip> --data-dir <dir>`);
    },
  },
  'host revoke': {
    usage: 'host revoke <name>',
    help: 'Revoke a host for good: its credential is refused, it gets no more assignments or passwords, and it counts as lost (its nodes are replaced elsewhere once they stop answering: stop the machine).',
    args: ['name'],
    run: async ([name]) => {
      const { findHostId, revokeHost } = await api();
      const host = await withDb(async (db) => {
        const hostId = await findHostId(db, name!);
        return hostId ? revokeHost(db, hostId) : null;
      });
      if (!host) throw new UsageError(`no host named "${name}"`);
      console.log(`host ${host.name} (${host.id}) revoked at ${host.revokedAt!.toISOString()}: its credential is refused and it counts as lost.
Its nodes are replaced on other hosts once they stop answering: stop its agent and redis-servers (or the machine).`);
    },
  },
  'host rotate-credential': {
    usage: 'host rotate-credential <name>',
    help: "Print a new credential for a host, once; the old one is refused at once. Write it to <agent data dir>/host-token and restart the agent; its redis-servers keep running meanwhile.",
    args: ['name'],
    run: async ([name]) => {
      const { findHostId, rotateHostCredential } = await api();
      const rotated = await withDb(async (db) => {
        const hostId = await findHostId(db, name!);
        return hostId ? rotateHostCredential(db, hostId) : null;
      });
      if (!rotated) throw new UsageError(`no host named "${name}"`);
      console.log(`new credential of host ${name} (shown once; the old one is refused from now on): ${rotated.hostToken}
install it: write it to <agent data dir>/host-token (mode 600) and restart slotplane-agent; its redis-servers keep running meanwhile.`);
    },
  },
  'secrets rotate-key': {
    usage: 'secrets rotate-key',
    help: 'Re-encrypt every stored password and webhook secret under a new key: SECRETS_KEY if set (old keys in SECRETS_KEY_PREVIOUS), else a new key that replaces DATA_DIR/secrets-key. Safe to run again after a crash. Stop `slotplane start` first.',
    run: async () => {
      const { rotateKey } = await import('./secrets.ts');
      for (const line of await withDb((db) => rotateKey(db))) console.log(line);
    },
  },
  'secrets status': {
    usage: 'secrets status',
    help: 'How many stored secrets are under which key, each one decrypted; exit 1 if any cannot be read.',
    run: async () => {
      const { secretsStatus } = await import('./secrets.ts');
      const status = await withDb((db) => secretsStatus(db));
      for (const line of status.lines) console.log(line);
      if (!status.ok) process.exitCode = 1;
    },
  },
  // A tenant's commands, over the API (flags, SLOTPLANE_API_URL and SLOTPLANE_API_KEY, or the config file).
  ...TENANT_COMMANDS,
  ...CONFIG_COMMANDS,
};

const USAGE = `usage: slotplane <command> [--help]

${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}`)
  .join('\n')}

Run \`slotplane <command> --help\` for what a command does.
Environment: DATABASE_URL (else PGlite under DATA_DIR), REDIS_URL (else a private redis-server),
DATA_DIR (default .data), PORT (default 8080), SECRETS_KEY (else DATA_DIR/secrets-key).
The tenant commands (clusters, operations, events) call the API: --api-url and --api-key, else
SLOTPLANE_API_URL and SLOTPLANE_API_KEY, else the config file (--config, SLOTPLANE_CONFIG, else
$XDG_CONFIG_HOME/slotplane/config.json; \`slotplane config set\` writes it); --output table|json.
See infra/ENVIRONMENT.md.`;

/** The command named by the first one or two words, and the words after it. */
function commandOf(words: string[]): [Command, string[]] | undefined {
  for (const n of [2, 1]) {
    const c = COMMANDS[words.slice(0, n).join(' ')];
    if (c && words.length >= n) return [c, words.slice(n)];
  }
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  // Before anything is created: the data dir (keys, passwords, PGlite's files) is the owner's alone.
  process.umask(PRIVATE_UMASK);
  const words = argv.filter((a) => !a.startsWith('-'));
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  const found = commandOf(words);
  if (!found) {
    if (wantsHelp && words.length === 0) {
      console.log(USAGE);
      return 0;
    }
    console.error(`${words.length ? `unknown command "${words.join(' ')}"` : 'no command given'}\n\n${USAGE}`);
    return 2;
  }
  const [command] = found;
  const usage = `usage: slotplane ${command.usage}\n\n${command.help}`;
  if (wantsHelp) {
    console.log(usage);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: command.options ?? {} });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  const args = commandOf(parsed.positionals)![1];
  const expected = command.args ?? [];
  if (args.length !== expected.length) {
    console.error(`${args.length < expected.length ? `missing <${expected[args.length]}>` : `unexpected "${args[expected.length]}"`}\n\n${usage}`);
    return 2;
  }
  try {
    await command.run(args, parsed.values as Values);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${usage}`);
    return 2;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => code !== 0 && process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
