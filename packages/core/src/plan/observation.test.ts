import { describe, expect, it } from 'vitest';
import { parseClusterNodes } from '../cluster-nodes.ts';
import { LAG_LIMIT_BYTES, describeObservation } from './observation.ts';
import type { ObservedCluster, ObservedNode, RedisAnswer } from './types.ts';

const P = 'a'.repeat(40);
const R = 'b'.repeat(40);
const Q = 'c'.repeat(40);
const line = (id: string, port: number, flags: string, primary = '-', slots = '') => `${id} 10.0.0.1:${port}@${port + 10000} ${flags} ${primary} 0 0 1 connected ${slots}`.trim();

function node(id: string, redisId: string, answer: Partial<Omit<RedisAnswer, 'reachable'>> | 'silent'): ObservedNode {
  return {
    id, shardIndex: 0, hostId: 'h1', host: '10.0.0.1', port: 7000, placedRole: 'primary', removed: false, agent: 'running', runGeneration: 1,
    agentRunGeneration: 1, agentRevision: null, startFailure: null, redisNodeId: redisId, silentForMs: 0, exitedForMs: null, lastEpoch: null, hostState: 'up',
    redis: answer === 'silent' ? { reachable: false, error: 'timeout' } : { reachable: true, myId: redisId, view: [], clusterState: 'ok', persistenceError: null, keys: 0, linkUp: null, offset: 0, linkDownMs: null, syncing: false, config: {}, tenantPasswords: [], tenantAclCurrent: true, ...answer },
  };
}
const cluster = (nodes: ObservedNode[]): ObservedCluster => ({ nodes, shardCount: 1, moves: [], requests: [], slotBytes: null, fleet: [], minFreeDiskBytes: 0, formed: true, reshaping: false });

describe('describeObservation: health', () => {
  it('says lagging for a replica more than LAG_LIMIT_BYTES behind its primary, ok within it', () => {
    const view = (self: string) => parseClusterNodes([line(P, 7000, self === P ? 'myself,master' : 'master', '-', '0-16383'), line(R, 7001, self === R ? 'myself,slave' : 'slave', P)].join('\n'));
    const observe = (behind: number) =>
      describeObservation(cluster([node('p', P, { view: view(P), offset: 10 * LAG_LIMIT_BYTES }), node('r', R, { view: view(R), linkUp: true, offset: 10 * LAG_LIMIT_BYTES - behind })])).nodes.get('r')!.health;
    expect(observe(LAG_LIMIT_BYTES + 1)).toBe('lagging');
    expect(observe(1000)).toBe('ok');
  });

  it('takes the worst flag a peer puts on a node: failed (FAIL), suspected (PFAIL), else unreachable when it does not answer', () => {
    const views = (flag: string) => parseClusterNodes([line(Q, 7002, 'myself,master', '-', '0-16383'), line(P, 7000, `master${flag}`)].join('\n'));
    const health = (flag: string) => describeObservation(cluster([node('q', Q, { view: views(flag) }), node('p', P, 'silent')])).nodes.get('p')!.health;
    expect(health(',fail')).toBe('failed');
    expect(health(',fail?')).toBe('suspected');
    expect(health('')).toBe('unreachable');
  });
});

describe('describeObservation: persistence', () => {
  it('says cannot_persist for a node whose last AOF write or RDB snapshot failed, a replica in sync included', () => {
    const view = (self: string) => parseClusterNodes([line(P, 7000, self === P ? 'myself,master' : 'master', '-', '0-16383'), line(R, 7001, self === R ? 'myself,slave' : 'slave', P)].join('\n'));
    const facts = describeObservation(cluster([node('p', P, { view: view(P), persistenceError: 'aof' }), node('r', R, { view: view(R), linkUp: true, persistenceError: 'rdb' })])).nodes;
    expect(facts.get('p')!.health).toBe('cannot_persist');
    expect(facts.get('r')!.health).toBe('cannot_persist');
  });

  it('lets a peer\'s FAIL flag win over it: a failed node is the worse news', () => {
    const views = parseClusterNodes([line(Q, 7002, 'myself,master', '-', '0-16383'), line(P, 7000, 'master,fail')].join('\n'));
    const mine = parseClusterNodes(line(P, 7000, 'myself,master'));
    expect(describeObservation(cluster([node('q', Q, { view: views }), node('p', P, { view: mine, persistenceError: 'aof' })])).nodes.get('p')!.health).toBe('failed');
  });
});
