// What the chaos bench looks at: the cluster as the API shows it, and each node as it answers
// for itself (CLUSTER NODES / INFO over the control plane's Redis user, 2 s per answer).
import type { RedisAnswer } from '@slotplane/core';
import { NodeAdminPool } from '@slotplane/redis-admin';

export type NodeView = {
  id: string;
  hostId: string;
  host: string;
  port: number;
  redisNodeId: string | null;
  role: 'primary' | 'replica' | null;
  status: string;
  reachable: boolean | null;
  linkStatus: 'up' | 'down' | null;
  health: string | null;
};
export type ShardView = { id: string; index: number; slots: Array<[number, number]>; primary: NodeView | null; replicas: NodeView[] };
export type ClusterView = {
  id: string;
  status: string;
  spec: { shards: number; replicasPerShard: number };
  generation: number;
  observedGeneration: number;
  lastError: string | null;
  observedAt: string | null;
  shards: ShardView[];
};

export const members = (c: ClusterView): NodeView[] => c.shards.flatMap((s) => [...(s.primary ? [s.primary] : []), ...s.replicas]);
export const label = (n: { host: string; port: number }) => `${n.host}:${n.port}`;

export type Probe = { node: NodeView; answer: RedisAnswer | null; error?: string };

/** Asks nodes how they see themselves and the cluster, over kept connections. */
export class NodeProber {
  private readonly pool = new NodeAdminPool();
  constructor(private password: string) {}

  /** Another cluster (a stuck one was replaced): another password, other nodes. */
  reset(password: string): void {
    this.pool.close();
    this.password = password;
  }

  async probe(nodes: NodeView[]): Promise<Probe[]> {
    this.pool.retainOnly(new Set(nodes.map(label)));
    return Promise.all(nodes.map(async (node) => {
      const seen = await this.pool.get({ host: node.host, port: node.port, password: this.password }).observe();
      return seen.reachable ? { node, answer: seen } : { node, answer: null, error: seen.error };
    }));
  }

  admin(node: { host: string; port: number }) {
    return this.pool.get({ host: node.host, port: node.port, password: this.password });
  }

  close(): void {
    this.pool.close();
  }
}

const SLOTS = 16384;

/**
 * What is wrong with the cluster as its nodes answer, judged against the API's view `c` (empty:
 * nothing): a node not answering, cluster_state not ok, a replica's link down, a node that cannot
 * persist, a node whose view holds another set of nodes or flags one failing, slots not covered
 * or left open, or a count of primaries serving slots other than the spec's shards.
 */
export function nodeProblems(c: ClusterView, probes: Probe[]): string[] {
  const problems: string[] = [];
  const listed = new Set(members(c).map((n) => n.redisNodeId));
  for (const { node, answer, error } of probes) {
    const at = label(node);
    if (!answer) {
      problems.push(`${at} does not answer (${error})`);
      continue;
    }
    if (answer.clusterState !== 'ok') problems.push(`${at} cluster_state:${answer.clusterState}`);
    if (answer.linkUp === false) problems.push(`${at} replica with master_link_status:down${answer.syncing ? ' (full sync under way)' : ''}`);
    if (answer.persistenceError) problems.push(`${at} cannot write its ${answer.persistenceError.toUpperCase()}`);
    if (answer.myId !== node.redisNodeId) problems.push(`${at} is Redis node ${answer.myId.slice(0, 8)}, the API says ${node.redisNodeId?.slice(0, 8)}`);
    const ownRole = answer.linkUp === null ? 'primary' : 'replica';
    if (node.role !== ownRole) problems.push(`${at} is a ${ownRole}, the API says ${node.role}`);
    const known = answer.view.filter((e) => !e.handshake);
    const strangers = known.filter((e) => !listed.has(e.id)).map((e) => `${e.host}:${e.port}`);
    const missing = [...listed].filter((id) => !known.some((e) => e.id === id));
    if (strangers.length) problems.push(`${at} knows nodes the API does not list: ${strangers.join(', ')}`);
    if (missing.length) problems.push(`${at} does not know ${missing.length} node(s) the API lists`);
    const failing = known.filter((e) => e.failing).map((e) => `${e.host}:${e.port} (${e.flags.join(',')})`);
    if (failing.length) problems.push(`${at} flags ${failing.join(', ')}`);
    const serving = known.filter((e) => e.role === 'primary' && e.slots.length > 0);
    const covered = serving.reduce((n, e) => n + e.slots.reduce((m, [a, b]) => m + b - a + 1, 0), 0);
    if (covered !== SLOTS) problems.push(`${at} sees ${covered} of ${SLOTS} slots served`);
    if (serving.length !== c.spec.shards) problems.push(`${at} sees ${serving.length} primaries serving slots, the spec has ${c.spec.shards} shards`);
    const self = answer.view.find((e) => e.myself);
    if (self && (self.migrating.length || self.importing.length)) problems.push(`${at} has open slots (${self.migrating.length} migrating, ${self.importing.length} importing)`);
  }
  return problems;
}
