import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentInstance, InstanceReport } from '@slotplane/contracts';
import { passwordHash } from '@slotplane/core';
import { freePort, waitFor } from '@slotplane/embedded';
import { createLogger } from '@slotplane/logger';
import { Supervisor } from './supervisor.ts';

const instance = (port: number): AgentInstance => ({
  nodeId: '01a20000-0000-7000-8000-0000000000a1',
  clusterId: '01a20000-0000-7000-8000-0000000000a2',
  port,
  runGeneration: 1,
  revision: 'r1',
  passwords: { adminHash: passwordHash('admin-pw'), replication: 'repl-pw', tenantHashes: [passwordHash('tenant-pw')] },
  maxMemoryMb: 16,
  persistence: 'aof',
  durability: 'relaxed',
  redisConfig: {},
});

describe('Supervisor', () => {
  it('reports a redis-server that exits right after it started as exited, with the last warning of its redis.log', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'slotplane-supervisor-'));
    // Someone else holds the port: a real redis-server logs that it cannot listen, and exits at once.
    const port = await freePort();
    const squatter = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => squatter.once('listening', r));
    let reports: InstanceReport[] = [];
    const supervisor = new Supervisor(dataDir, '127.0.0.1', createLogger('agent', { level: 'silent' }), () => (reports = supervisor.report()));
    try {
      await supervisor.converge([instance(port)]);
      const [exited] = await waitFor('the failed start to be reported', () => (reports[0]?.state === 'exited' ? reports : undefined), { timeoutMs: 10_000 });
      expect(exited).toMatchObject({ state: 'exited', exitCode: 1, pid: null, runGeneration: 1 });
      expect(exited!.startFailure).toMatchObject({ noSpace: false, freeDiskBytes: expect.any(Number) });
      expect(exited!.startFailure!.reason).toMatch(/^redis-server exited with code 1 right after it started: .*(listening|Address already in use)/);
      // Not retried behind the control plane's back: the same assignment again changes nothing.
      await supervisor.converge([instance(port)]);
      expect(supervisor.report()).toEqual([exited]);
    } finally {
      supervisor.close();
      squatter.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
