import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '@slotplane/contracts';
import { configRevision } from './config.ts';
import { passwordHash, tenantPasswordHashes } from './passwords.ts';
import { plan } from './plan.ts';
import { SimulatedCluster } from '../../test/plan-simulator.ts';
import type { DesiredCluster, ObservedCluster, RedisAnswer } from './types.ts';

const spec: ClusterSpec = { shards: 2, replicasPerShard: 1, maxMemoryMb: 64, persistence: 'none', redisConfig: {} };
const hosts = ['a', 'b', 'c'].map((id, i) => ({ id, zone: id, address: `10.0.0.${i + 1}`, portMin: 7000, portMax: 7099, foreignPorts: [] }));

/** A 2x1 cluster the planner built and reports done, observed. */
function convergedCluster(): { world: SimulatedCluster; observed: ObservedCluster } {
  const world = new SimulatedCluster({ hosts, spec, seed: 7 });
  for (let i = 0; i < 400; i++) {
    const observed = world.observe();
    const p = plan(world.desired, observed);
    if (p.kind === 'done') {
      world.converged([]);
      world.formed = true;
      return { world, observed: world.observe() };
    }
    if (p.kind === 'blocked') throw new Error(p.reason);
    if (p.kind === 'wait') world.tick();
    if (p.kind === 'act') for (const s of p.steps) world.apply(s);
  }
  throw new Error('never converged');
}

/** `observed` with every node accepting `accepted` (hashes) and its agent at `revision`. */
function withPasswords(observed: ObservedCluster, accepted: string[] | ((nodeIndex: number) => string[] | null), revision: string): ObservedCluster {
  return {
    ...observed,
    nodes: observed.nodes.map((n, i) => ({
      ...n,
      agentRevision: revision,
      redis: n.redis?.reachable ? ({ ...n.redis, tenantPasswords: typeof accepted === 'function' ? accepted(i) : accepted } satisfies RedisAnswer) : n.redis,
    })),
  };
}

const OLD = tenantPasswordHashes('old-password', null);
const BOTH = tenantPasswordHashes('new-password', 'old-password');
const NEW = tenantPasswordHashes('new-password', null);

describe('password rotation in the planner', () => {
  const { world, observed } = convergedCluster();
  const desired = (tenantPasswords: string[], previousPasswordExpired = false): DesiredCluster => ({ ...world.desired, generation: 2, tenantPasswords, previousPasswordExpired });

  it('hashes passwords as Redis does (SHA-256 hex), the same set whatever the order', () => {
    expect(passwordHash('foobar')).toBe('c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2');
    expect(tenantPasswordHashes('a', 'b')).toEqual(tenantPasswordHashes('b', 'a'));
    expect(tenantPasswordHashes('a', 'a')).toHaveLength(1);
  });

  it('gives every node the new password beside the old one, by hash: no plaintext in the plan', () => {
    const p = plan(desired(BOTH), withPasswords(observed, OLD, configRevision(spec, BOTH)));
    expect(p.kind).toBe('act');
    if (p.kind !== 'act') return;
    expect(p.steps).toHaveLength(observed.nodes.length);
    for (const step of p.steps) expect(step).toEqual({ kind: 'setTenantPasswords', nodeId: expect.any(String), hashes: BOTH });
    expect(JSON.stringify(p)).not.toMatch(/password"/);
    expect(JSON.stringify(p)).not.toContain('new-password');
  });

  it('sets only the nodes that differ', () => {
    const p = plan(desired(BOTH), withPasswords(observed, (i) => (i === 0 ? OLD : BOTH), configRevision(spec, BOTH)));
    expect(p.kind === 'act' && p.steps.map((s) => 'nodeId' in s && s.nodeId)).toEqual([observed.nodes[0]!.id]);
  });

  it('is not done until every agent has written both passwords into redis.conf', () => {
    const p = plan(desired(BOTH), withPasswords(observed, BOTH, configRevision(spec, OLD)));
    expect(p).toMatchObject({ kind: 'wait', phase: expect.stringMatching(/redis\.conf/) });
    expect(plan(desired(BOTH), withPasswords(observed, BOTH, configRevision(spec, BOTH)))).toEqual({ kind: 'done' });
  });

  it('retires the previous password when its grace period is over, before touching any node', () => {
    const p = plan(desired(BOTH, true), withPasswords(observed, BOTH, configRevision(spec, BOTH)));
    expect(p).toMatchObject({ kind: 'act', steps: [{ kind: 'retirePreviousPassword' }] });
  });

  it('then takes the old password off every node, and is done once redis.conf says so too', () => {
    const p = plan(desired(NEW), withPasswords(observed, BOTH, configRevision(spec, BOTH)));
    expect(p.kind === 'act' && p.steps.every((s) => s.kind === 'setTenantPasswords' && s.hashes.join() === NEW.join())).toBe(true);
    expect(plan(desired(NEW), withPasswords(observed, NEW, configRevision(spec, BOTH))).kind).toBe('wait');
    expect(plan(desired(NEW), withPasswords(observed, NEW, configRevision(spec, NEW)))).toEqual({ kind: 'done' });
  });

  it('refuses to guess on a node without the tenant user', () => {
    const p = plan(desired(BOTH), withPasswords(observed, (i) => (i === 1 ? null : OLD), configRevision(spec, BOTH)));
    expect(p).toMatchObject({ kind: 'blocked', code: 'create_refused', permanent: false });
  });
});
