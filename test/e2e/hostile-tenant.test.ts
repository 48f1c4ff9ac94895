import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster as RedisCluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordHash } from '@slotplane/core';
import { NodeAdmin } from '@slotplane/redis-admin';
import { startControlPlane, tenantClient, waitFor, type ControlPlane } from '@slotplane/testkit';

// A tenant with its own credentials, trying what would crash or starve its nodes.
let cp: ControlPlane;
let call: ReturnType<typeof tenantClient>['call'];
let settled: ReturnType<typeof tenantClient>['settled'];

beforeAll(async () => {
  // The agents inherit it: a service manager's usual umask, under which node files were world-readable.
  process.umask(0o022);
  cp = await startControlPlane({
    hosts: [
      { name: 'ht-a', address: '127.0.0.201' },
      { name: 'ht-b', address: '127.0.0.202' },
    ],
    portMin: 16500,
    portMax: 16599,
  });
  ({ call, settled } = tenantClient(cp.api.app, (await cp.api.tenant()).auth));
});
afterAll(() => cp?.stop());

// Redis's CRC-64 (Jones, reflected): a DUMP payload ends with it, so a crafted one must too.
const POLY = 0x95ac9329ac4bc9b5n;
const TABLE = Array.from({ length: 256 }, (_, i) => {
  let c = BigInt(i);
  for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ POLY : c >> 1n;
  return c;
});
const crc64 = (buf: Buffer) => buf.reduce((crc, b) => TABLE[Number((crc ^ BigInt(b)) & 0xffn)]! ^ (crc >> 8n), 0n);

/**
 * A DUMP of a small hash with its listpack's first entry made to claim a 24-bit integer: the
 * shallow check (total bytes, end byte) passes, and the next read of the key aborted redis-server
 * 7.0.15 (ASSERTION FAILED in listpack.c) while sanitize-dump-payload was "no".
 */
async function craftedPayload(client: Redis): Promise<Buffer> {
  await client.hset('{crafted}src', 'a', '1', 'b', '2');
  const dump = await client.dumpBuffer('{crafted}src');
  const body = Buffer.from(dump.subarray(0, dump.length - 8));
  expect(crc64(body)).toBe(dump.readBigUInt64LE(dump.length - 8));
  body[8] = 0xf1;
  const payload = Buffer.concat([body, Buffer.alloc(8)]);
  payload.writeBigUInt64LE(crc64(body), payload.length - 8);
  return payload;
}

describe('a hostile tenant on its own cluster', () => {
  let clusterId: string;
  let tenant: { username: string; password: string };
  let endpoint: { host: string; port: number };

  it('is built', async () => {
    const { cluster, operation } = await call('POST', '/v1/clusters', { name: 'hostile', shards: 1, replicasPerShard: 1 });
    clusterId = cluster.id;
    expect((await settled(operation.id)).status).toBe('succeeded');
    const creds = await call('GET', `/v1/clusters/${clusterId}/credentials`);
    tenant = { username: creds.username, password: creds.password };
    endpoint = creds.endpoints[0];
  });

  it("cannot read its nodes' files on the host: the agent's data dir is 0700 and every file in it 0600, though the agent was started with umask 022", async () => {
    for (const agent of cp.agents) {
      expect(statSync(agent.dataDir).mode & 0o777).toBe(0o700);
      const files = readdirSync(join(agent.dataDir, 'instances'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      const names = new Set(files.map((f) => f.name));
      for (const name of ['redis.conf', 'instance.json', 'nodes.conf', 'redis.log']) expect(names, name).toContain(name);
      for (const f of files) expect((statSync(join(f.parentPath, f.name)).mode & 0o777).toString(8), f.name).toBe('600');
    }
  });

  it("finds no password of a user that only logs in in its nodes' files: only their SHA-256 (ACL #hash)", async () => {
    const admin = await cp.adminPassword(clusterId);
    let read = 0;
    for (const agent of cp.agents) {
      for (const f of readdirSync(join(agent.dataDir, 'instances'), { recursive: true, withFileTypes: true }).filter((e) => ['redis.conf', 'instance.json'].includes(e.name))) {
        const text = readFileSync(join(f.parentPath, f.name), 'utf8');
        expect(text, f.name).not.toContain(tenant.password);
        expect(text, f.name).not.toContain(admin);
        expect(text, f.name).toContain(passwordHash(tenant.password));
        read++;
      }
    }
    expect(read).toBe(4);
  });

  it('cannot RESTORE a crafted payload: refused, and the node keeps serving', async () => {
    const client = new Redis({ ...endpoint, ...tenant });
    try {
      const payload = await craftedPayload(client);
      await expect(client.restore('{crafted}x', 0, payload, 'REPLACE')).rejects.toThrow('Bad data format');
      expect(await client.exists('{crafted}x')).toBe(0);
      expect(await client.ping()).toBe('PONG');
      // A sound payload is still taken.
      await client.restore('{crafted}ok', 0, await client.dumpBuffer('{crafted}src'), 'REPLACE');
      expect(await client.hgetall('{crafted}ok')).toEqual({ a: '1', b: '2' });
    } finally {
      client.disconnect();
    }
    expect((await call('GET', `/v1/clusters/${clusterId}`)).status).toBe('available');
  });

  it('cannot run SCRIPT DEBUG (YES forks a child per connection, SYNC blocks every other client)', async () => {
    const client = new Redis({ ...endpoint, ...tenant });
    try {
      for (const mode of ['YES', 'SYNC', 'NO']) await expect(client.call('SCRIPT', 'DEBUG', mode), mode).rejects.toThrow(/NOPERM/);
      // Scripts themselves still run.
      expect(await client.eval("return redis.call('ping')", 0)).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });

  it('a node whose tenant user has older rules gets the current ones live', async () => {
    const shard = (await call('GET', `/v1/clusters/${clusterId}`)).shards[0];
    const replica = shard.replicas[0];
    const admin = new NodeAdmin({ host: replica.host, port: replica.port, password: await cp.adminPassword(clusterId) });
    const client = new Redis({ host: replica.host, port: replica.port, ...tenant });
    try {
      // As a node started before SCRIPT DEBUG was denied would be.
      await admin.redis.call('ACL', 'SETUSER', 'app', '+script|debug');
      expect(await client.call('SCRIPT', 'DEBUG', 'NO')).toBe('OK');
      await cp.api.queue.enqueue(clusterId);
      await waitFor('the current rules back on the node', async () => (await client.call('SCRIPT', 'DEBUG', 'NO').then(() => false, (err: Error) => /NOPERM/.test(err.message))), { timeoutMs: 30_000, intervalMs: 200 });
      // The rest of the user is as it was: its password, its keys.
      const cluster = new RedisCluster([endpoint], { redisOptions: tenant });
      await cluster.set('after', 'rules');
      expect(await cluster.get('after')).toBe('rules');
      cluster.disconnect();
    } finally {
      admin.close();
      client.disconnect();
    }
  });
});
