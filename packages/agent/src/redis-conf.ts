import type { AgentInstance } from '@slotplane/contracts';

/** Fixed cluster-node-timeout in redis.conf; the worker lowers it with CONFIG SET while bootstrapping. */
export const CLUSTER_NODE_TIMEOUT_MS = 5000;

const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The redis.conf of one instance: what Slotplane owns first, then the tenant's allow-listed settings. */
export function renderRedisConf(i: AgentInstance, opts: { address: string; dir: string }): string {
  const lines: Array<[string, string | number]> = [
    ['port', i.port],
    ['bind', opts.address],
    // Peers learn a node's address from what it announces and where its connections come from:
    // both must be the host's address, not whatever the kernel picks (127.0.0.1 on loopback).
    ['cluster-announce-ip', opts.address],
    ['bind-source-addr', opts.address],
    ['protected-mode', 'no'],
    ['daemonize', 'no'],
    ['dir', quote(opts.dir)],
    ['pidfile', quote(`${opts.dir}/redis.pid`)],
    ['logfile', quote(`${opts.dir}/redis.log`)],
    ['cluster-enabled', 'yes'],
    ['cluster-config-file', 'nodes.conf'],
    ['cluster-node-timeout', CLUSTER_NODE_TIMEOUT_MS],
    ['requirepass', quote(i.password)],
    ['masterauth', quote(i.password)],
    ['maxmemory', `${i.maxMemoryMb}mb`],
    // Replicas sync straight from memory, without the default 5 s wait for more replicas.
    ['repl-diskless-sync', 'yes'],
    ['repl-diskless-sync-delay', 0],
    ['appendonly', i.persistence === 'aof' ? 'yes' : 'no'],
    ['save', i.persistence === 'rdb' ? '3600 1 300 100 60 10000' : quote('')],
  ];
  for (const [key, value] of Object.entries(i.redisConfig)) {
    if (value !== undefined) lines.push([key, typeof value === 'string' ? quote(value) : value]);
  }
  return `# Written by slotplane-agent for node ${i.nodeId} of cluster ${i.clusterId}. Do not edit.\n${lines.map(([k, v]) => `${k} ${v}`).join('\n')}\n`;
}
