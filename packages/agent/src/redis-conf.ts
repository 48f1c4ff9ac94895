import { REDIS_USERS, TENANT_ACL, type AgentInstance } from '@slotplane/contracts';
import { MIN_REPLICAS_MAX_LAG_S, RDB_SAVE_SCHEDULE, RUNNING_NODE_TIMEOUT_MS } from '@slotplane/core';

const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;


/** The redis.conf of one instance: what Slotplane owns first, then the tenant's allow-listed settings. */
export function renderRedisConf(i: AgentInstance, opts: { address: string; dir: string }): string {
  const { passwords } = i;
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
    ['cluster-node-timeout', RUNNING_NODE_TIMEOUT_MS],
    // No anonymous access; the control plane, replication and the tenant each have a user.
    ['user', 'default off'],
    // Users that only log in are given by hash (`#`): the password itself is never on the host.
    ['user', `${REDIS_USERS.admin} on #${passwords.adminHash} ~* &* +@all skip-sanitize-payload`],
    ['user', `${REDIS_USERS.replication} on ${quote(`>${passwords.replication}`)} +psync +replconf +ping`],
    // During a password rotation and its grace period the tenant's user takes both passwords, so a
    // node restarted then accepts whichever its clients use. Rewriting this file restarts nothing:
    // the running node's passwords are set live by the control plane.
    ['user', [REDIS_USERS.tenant, 'on', ...passwords.tenantHashes.map((h) => `#${h}`), ...TENANT_ACL].join(' ')],
    ['masteruser', REDIS_USERS.replication],
    ['masterauth', quote(passwords.replication)],
    ['maxmemory', `${i.maxMemoryMb}mb`],
    // As the planner sets it live (desiredNodeConfig): tenants' RESTORE payloads are checked deeply.
    ['sanitize-dump-payload', 'clients'],
    // Replicas sync straight from memory, without the default 5 s wait for more replicas.
    ['repl-diskless-sync', 'yes'],
    ['repl-diskless-sync-delay', 0],
    ['appendonly', i.persistence === 'aof' ? 'yes' : 'no'],
    ['save', i.persistence === 'rdb' ? RDB_SAVE_SCHEDULE : quote('')],
    // Durability strict: a primary takes writes only while a replica acknowledged recently (a
    // replica ignores it, and refuses writes once promoted and alone). As the planner sets it live.
    ['min-replicas-to-write', i.durability === 'strict' ? 1 : 0],
    ['min-replicas-max-lag', MIN_REPLICAS_MAX_LAG_S],
  ];
  for (const [key, value] of Object.entries(i.redisConfig)) {
    if (value !== undefined) lines.push([key, typeof value === 'string' ? quote(value) : value]);
  }
  return `# Written by slotplane-agent for node ${i.nodeId} of cluster ${i.clusterId} (revision ${i.revision}). Do not edit.\n${lines.map(([k, v]) => `${k} ${v}`).join('\n')}\n`;
}
