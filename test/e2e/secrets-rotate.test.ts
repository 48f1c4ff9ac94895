import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusters, eq, newId, webhooks } from '@slotplane/db';
import { Keyring, generateKey, inspect, parseKey } from '@slotplane/secrets';
import { childCommand, startApiHarness, type ApiHarness } from '@slotplane/testkit';
import { parseNetworkPolicy } from '@slotplane/webhooks';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'slotplane-rotate-'));
const keyFile = join(dataDir, 'secrets-key');
const firstKey = generateKey();
let h: ApiHarness;

/** Runs `slotplane <args>` on the test database (real Postgres) and the test's data dir. */
function slotplane(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; signal: string | null; out: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: h.database.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete base.SECRETS_KEY;
  delete base.SECRETS_KEY_PREVIOUS;
  // One process, so a failpoint's SIGKILL is what the test sees.
  const [node, cli] = childCommand('cli');
  const child = spawn(node, [...cli, ...args], { cwd: root, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, out })));
}

/** Every stored secret, as it is in Postgres. */
async function storedSecrets(): Promise<string[]> {
  const c = await h.database.db.select().from(clusters);
  const w = await h.database.db.select().from(webhooks);
  return [...c.flatMap((r) => [r.password, r.adminPassword, r.replicationPassword, ...(r.previousPassword === null ? [] : [r.previousPassword])]), ...w.map((r) => r.secret)];
}

/** What the tenant is given: each cluster's password and each webhook's signing secret, in the clear. */
const given = new Map<string, string>();

beforeAll(async () => {
  writeFileSync(keyFile, `${firstKey}\n`, { mode: 0o600 });
  h = await startApiHarness({ secrets: new Keyring(parseKey(firstKey)), webhookNetworks: parseNetworkPolicy('127.0.0.0/8') });
  const { tenantId, auth } = await h.tenant();
  for (const name of ['one', 'two']) {
    const { cluster } = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: { name, shards: 1, replicasPerShard: 0 } })).json();
    given.set(cluster.id, (await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}/credentials`, headers: auth })).json().password);
  }
  // A cluster in the middle of a password rotation: its previous tenant password is a secret too.
  const rotating = [...given.keys()].at(-1)!;
  await h.database.db.update(clusters).set({ previousPassword: h.secrets.encrypt('previous-tenant') }).where(eq(clusters.id, rotating));
  given.set(`${rotating}:previous`, 'previous-tenant');
  const hook = (await h.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth, payload: { url: 'http://127.0.0.1:9/hook' } })).json();
  given.set(hook.id, hook.secret);
  // Rows an earlier version wrote, in plaintext.
  const legacy = { cluster: newId(), webhook: newId() };
  await h.database.db.insert(clusters).values({ id: legacy.cluster, tenantId, name: 'legacy', spec: { shards: 1, replicasPerShard: 0 } as never, password: 'legacy-tenant', adminPassword: 'legacy-admin', replicationPassword: 'legacy-repl', status: 'creating' });
  await h.database.db.insert(webhooks).values({ id: legacy.webhook, tenantId, url: 'http://127.0.0.1:9/old', secret: 'whsec_legacy', fromPosition: 0 });
  given.set(legacy.cluster, 'legacy-tenant');
  given.set(legacy.webhook, 'whsec_legacy');
});

afterAll(async () => {
  await h?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** What each cluster's tenant password and each webhook's secret decrypts to with `ring`. */
async function readable(ring: Keyring): Promise<Map<string, string>> {
  const c = await h.database.db.select().from(clusters);
  const w = await h.database.db.select().from(webhooks);
  const previous = c.flatMap((r) => (r.previousPassword === null ? [] : [[`${r.id}:previous`, ring.decrypt(r.previousPassword)] as const]));
  return new Map([...c.map((r) => [r.id, ring.decrypt(r.password)] as const), ...previous, ...w.map((r) => [r.id, ring.decrypt(r.secret)] as const)]);
}

describe('slotplane secrets rotate-key', () => {
  it('moves every secret to a new data dir key; a crash halfway leaves every secret readable, and a second run finishes', { timeout: 120_000 }, async () => {
    const oldId = parseKey(firstKey).id;
    const crashed = await slotplane(['secrets', 'rotate-key'], { SLOTPLANE_FAILPOINT: 'rotate-key:after-a-row' });
    expect(crashed.signal, crashed.out).toBe('SIGKILL');
    // Halfway: the old key still in place, the new one beside it, rows under both.
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(firstKey);
    const nextFile = `${keyFile}.next`;
    expect(statSync(nextFile).mode & 0o777).toBe(0o600);
    const newId_ = parseKey(readFileSync(nextFile, 'utf8')).id;
    const halfway = (await storedSecrets()).map((s) => inspect(s));
    expect(halfway).toContainEqual({ kind: 'encrypted', keyId: newId_ });
    expect(halfway).toContainEqual({ kind: 'encrypted', keyId: oldId });
    const status = await slotplane(['secrets', 'status']);
    expect(status.code).toBe(0);
    expect(status.out).toContain(`under key ${newId_}`);
    expect(status.out).toContain(`under key ${oldId}`);
    expect(status.out).not.toContain('unreadable');

    const finished = await slotplane(['secrets', 'rotate-key']);
    expect(finished.code, finished.out).toBe(0);
    expect(finished.out).toContain(`resumed the unfinished rotation to key ${newId_}`);
    expect(finished.out).toContain(`holds key ${newId_} now; key ${oldId} is deleted`);
    expect(existsSync(nextFile)).toBe(false);
    const newKey = parseKey(readFileSync(keyFile, 'utf8'));
    expect(newKey.id).toBe(newId_);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    // Every secret, the plaintext ones included, is under the new key alone and reads as before.
    for (const s of await storedSecrets()) expect(inspect(s)).toEqual({ kind: 'encrypted', keyId: newKey.id });
    expect(await readable(new Keyring(newKey))).toEqual(given);
    expect((await slotplane(['secrets', 'status'])).out).toMatch(new RegExp(`12 secrets under key ${newKey.id} \\(current\\)`));
  });

  it('with SECRETS_KEY set, rewrites every secret under it (reading the old ones with SECRETS_KEY_PREVIOUS) and leaves the data dir alone', { timeout: 60_000 }, async () => {
    const dataDirKey = readFileSync(keyFile, 'utf8').trim();
    const envKey = generateKey();
    const rotated = await slotplane(['secrets', 'rotate-key'], { SECRETS_KEY: envKey, SECRETS_KEY_PREVIOUS: dataDirKey });
    expect(rotated.code, rotated.out).toBe(0);
    expect(rotated.out).toContain('re-encrypted under key');
    expect(rotated.out).toContain('SECRETS_KEY_PREVIOUS can be removed');
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(dataDirKey);
    expect(await readable(new Keyring(parseKey(envKey)))).toEqual(given);

    // A key that is not the one they are under: every such secret is reported, by its key id.
    const wrong = await slotplane(['secrets', 'status'], { SECRETS_KEY: generateKey() });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain(`12 secrets unreadable`);
    expect(wrong.out).toContain(`encrypted under key ${parseKey(envKey).id}, which is not configured`);
  });
});
