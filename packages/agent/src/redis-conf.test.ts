import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { REDIS_USERS, type AgentInstance } from '@slotplane/contracts';
import { passwordHash, tenantPasswordHashes } from '@slotplane/core';
import { freePort, waitFor } from '@slotplane/embedded';
import { renderRedisConf } from './redis-conf.ts';

const ADMIN_PASSWORD = 'admin "pw" \\ x';
const instance = (over: Partial<AgentInstance> = {}): AgentInstance => ({
  nodeId: '01a20000-0000-7000-8000-000000000001',
  clusterId: '01a20000-0000-7000-8000-000000000002',
  port: 7000,
  runGeneration: 1,
  revision: 'r1',
  passwords: { adminHash: passwordHash(ADMIN_PASSWORD), replication: 'repl-pw', tenantHashes: tenantPasswordHashes('p"a\\ss word', null) },
  maxMemoryMb: 1024,
  persistence: 'aof',
  durability: 'strict',
  redisConfig: { 'maxmemory-policy': 'allkeys-lru', timeout: 300, 'notify-keyspace-events': 'KEA' },
  ...over,
});

describe('renderRedisConf', () => {
  it('is accepted by a real redis-server, which then runs with the spec’s settings and password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slotplane-conf-'));
    const port = await freePort();
    const i = instance({ port });
    writeFileSync(join(dir, 'redis.conf'), renderRedisConf(i, { address: '127.0.0.1', dir }));
    const server = spawn('redis-server', [join(dir, 'redis.conf')], { stdio: 'ignore' });
    const client = new Redis({ port, username: 'slotplane', password: ADMIN_PASSWORD, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 20 });
    client.on('error', () => {});
    try {
      await waitFor('redis-server to answer', async () => (await client.ping()) === 'PONG');
      const get = async (key: string) => ((await client.config('GET', key)) as string[])[1];
      expect(await get('cluster-enabled')).toBe('yes');
      expect(await get('appendonly')).toBe('yes');
      expect(await get('maxmemory')).toBe(String(1024 * 1024 * 1024));
      expect(await get('maxmemory-policy')).toBe('allkeys-lru');
      expect(await get('timeout')).toBe('300');
      expect(await get('repl-diskless-sync-delay')).toBe('0');
      expect(await get('cluster-announce-ip')).toBe('127.0.0.1');
      expect(await get('min-replicas-to-write')).toBe('1');
      expect(await get('min-replicas-max-lag')).toBe('2');
    } finally {
      client.disconnect();
      server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps snapshots off unless the spec asks for rdb', () => {
    expect(renderRedisConf(instance({ persistence: 'none' }), { address: '10.0.0.1', dir: '/d' })).toMatch(/^save ""$/m);
    expect(renderRedisConf(instance({ persistence: 'rdb' }), { address: '10.0.0.1', dir: '/d' })).toMatch(/^save 3600 1 300 100 60 10000$/m);
    expect(renderRedisConf(instance({ persistence: 'rdb' }), { address: '10.0.0.1', dir: '/d' })).toMatch(/^appendonly no$/m);
  });

  it('lets a relaxed primary take writes alone, and a strict one only with a replica that acked within 2 s', () => {
    const conf = (durability: AgentInstance['durability']) => renderRedisConf(instance({ durability }), { address: '10.0.0.1', dir: '/d' });
    expect(conf('relaxed')).toMatch(/^min-replicas-to-write 0$/m);
    expect(conf('strict')).toMatch(/^min-replicas-to-write 1$/m);
    expect(conf('strict')).toMatch(/^min-replicas-max-lag 2$/m);
  });

  it('gives the tenant user both passwords during a rotation, and a real redis-server takes either', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slotplane-conf-'));
    const port = 23001;
    const i = instance({ port, persistence: 'none', passwords: { adminHash: passwordHash('adm'), replication: 'repl', tenantHashes: tenantPasswordHashes('new "pw"', 'old pw') } });
    writeFileSync(join(dir, 'redis.conf'), renderRedisConf(i, { address: '127.0.0.121', dir }));
    const server = spawn('redis-server', [join(dir, 'redis.conf')], { stdio: 'ignore' });
    // A connection without credentials, then AUTH: the answer is the node's word on the password.
    const auth = async (password: string) => {
      const c = new Redis({ host: '127.0.0.121', port, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => {});
      try {
        await c.connect();
        return await c.call('AUTH', REDIS_USERS.tenant, password).catch((err: Error) => err.message);
      } finally {
        c.disconnect();
      }
    };
    const admin = new Redis({ host: '127.0.0.121', port, username: REDIS_USERS.admin, password: 'adm', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 20 });
    admin.on('error', () => {});
    try {
      await waitFor('redis-server to answer', async () => (await admin.ping()) === 'PONG');
      const user = (await admin.call('ACL', 'GETUSER', REDIS_USERS.tenant)) as unknown[];
      expect([...(user[user.indexOf('passwords') + 1] as string[])].sort()).toEqual(tenantPasswordHashes('new "pw"', 'old pw'));
      expect(await auth('new "pw"')).toBe('OK');
      expect(await auth('old pw')).toBe('OK');
      expect(await auth('neither')).toMatch(/^WRONGPASS/);
    } finally {
      admin.disconnect();
      server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
