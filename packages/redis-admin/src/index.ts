import { Redis } from 'ioredis';
import { REDIS_USERS, TENANT_ACL, TENANT_ACL_PROBE, type SlotRange } from '@slotplane/contracts';
import { MANAGED_CONFIG_KEYS, parseClusterNodes, persistenceError, type ClusterNodeEntry, type RedisObservation } from '@slotplane/core';

export interface NodeAddress {
  host: string;
  port: number;
  password: string;
  /** ACL user; the control plane's own user unless given. */
  username?: string;
}

/** Every command to a node gives up after this long: an unreachable node is an observation, not a hang. */
export const NODE_COMMAND_TIMEOUT_MS = 2000;

/** Parses `key:value` lines of INFO / CLUSTER INFO. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** CLUSTER SETSLOT <slot> ARGV[1] ARGV[2] for every slot from ARGV[3] on; each slot's error or ''. */
const SET_SLOTS = `
local out = {}
for i = 3, #ARGV do
  local r = redis.pcall('CLUSTER', 'SETSLOT', ARGV[i], ARGV[1], ARGV[2])
  out[#out + 1] = type(r) == 'table' and r.err or ''
end
return out`;

/** CLUSTER SETSLOT <slot> STABLE for every slot in ARGV (it takes no node id). */
const STABLE_SLOTS = `
local out = {}
for i = 1, #ARGV do
  local r = redis.pcall('CLUSTER', 'SETSLOT', ARGV[i], 'STABLE')
  out[#out + 1] = type(r) == 'table' and r.err or ''
end
return out`;

/** CLUSTER COUNTKEYSINSLOT for every slot in ARGV. */
const COUNT_KEYS = `
local out = {}
for i = 1, #ARGV do out[i] = redis.call('CLUSTER', 'COUNTKEYSINSLOT', ARGV[i]) end
return out`;

/**
 * One listing of a slot's keys copied to the target by the node itself (MIGRATE ... COPY
 * REPLACE), in batches bounded by the bytes the keys take (MEMORY USAGE), each key's DUMP fingerprinted in the same script: the
 * node is atomic while it runs, so a fingerprint is of exactly the value copied. The source
 * keeps its copies (it serves them: clients reach the target only for keys the source lacks, so
 * the source's copy is the live one and REPLACE is right) until the target's replica has them.
 * A MIGRATE error aborts the script; what was copied before stays copied, harmlessly.
 * (A key that expired since the listing is skipped: pcall, as a missing key of a migrating slot
 * is an ASK, which a script may not follow.) With ARGV[9] 'move' instead of 'copy', a plain
 * MIGRATE (the source deletes each key as the target takes it) and no fingerprints: for a target
 * without a replica, where there is no acknowledgement to wait for.
 */
const COPY_LISTING = `
local keys = redis.call('CLUSTER', 'GETKEYSINSLOT', ARGV[1], ARGV[2])
local limit = tonumber(ARGV[3])
local batch, size, bytes, copied, sums = {}, 0, 0, {}, {}
local copy = ARGV[9] == 'copy'
local function flush()
  if #batch == 0 then return end
  if copy then
    redis.call('MIGRATE', ARGV[4], ARGV[5], '', 0, ARGV[6], 'COPY', 'REPLACE', 'AUTH2', ARGV[7], ARGV[8], 'KEYS', unpack(batch))
  else
    redis.call('MIGRATE', ARGV[4], ARGV[5], '', 0, ARGV[6], 'REPLACE', 'AUTH2', ARGV[7], ARGV[8], 'KEYS', unpack(batch))
  end
  bytes = bytes + size
  batch, size = {}, 0
end
for _, k in ipairs(keys) do
  local s = redis.pcall('MEMORY', 'USAGE', k)
  if type(s) == 'number' then
    if #batch > 0 and size + s > limit then flush() end
    batch[#batch + 1] = k
    size = size + s
    copied[#copied + 1] = k
    if copy then sums[#sums + 1] = redis.sha1hex(redis.call('DUMP', k)) end
  end
end
flush()
return {#keys, copied, sums, bytes}`;

/**
 * The second half of a copy: each key (ARGV: key, fingerprint, key, ...) is deleted only if its
 * value is still the one copied; a key written since stays, to be copied again.
 */
const DELETE_UNCHANGED = `
local n = 0
for i = 1, #ARGV, 2 do
  local d = redis.pcall('DUMP', ARGV[i])
  if type(d) == 'string' and redis.sha1hex(d) == ARGV[i + 1] then
    redis.call('DEL', ARGV[i])
    n = n + 1
  end
end
return n`;

/** The `passwords` of an ACL GETUSER reply (a flat field/value list), sorted; null for no such user. */
function passwordsOf(reply: unknown): string[] | null {
  if (!Array.isArray(reply)) return null;
  const i = reply.findIndex((v) => String(v) === 'passwords');
  const list = i >= 0 ? reply[i + 1] : undefined;
  return Array.isArray(list) ? list.map(String).sort() : [];
}

/**
 * How a replica's link to its primary stands (INFO replication): down for how long (-1 from
 * Redis: never up since the process started or was demoted), and whether a full sync is under way.
 */
function replicaLink(repl: Record<string, string>): { linkDownMs: number | null; syncing: boolean } {
  if (repl.role !== 'slave') return { linkDownMs: null, syncing: false };
  const syncing = repl.master_sync_in_progress === '1';
  if (repl.master_link_status === 'up') return { linkDownMs: 0, syncing };
  const seconds = Number(repl.master_link_down_since_seconds ?? -1);
  return { linkDownMs: seconds < 0 ? null : seconds * 1000, syncing };
}

/** One connection to one node, for admin commands. Fails fast instead of queueing while offline. */
export class NodeAdmin {
  readonly redis: Redis;
  /** `timeoutMs`: how long any command may take (NODE_COMMAND_TIMEOUT_MS unless said). */
  constructor(readonly address: NodeAddress, timeoutMs: number = NODE_COMMAND_TIMEOUT_MS) {
    this.redis = new Redis({
      host: address.host,
      port: address.port,
      username: address.username ?? REDIS_USERS.admin,
      password: address.password,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: true,
      // No INFO before the first command: a node busy with a script answers it BUSY, and the
      // ready check would hide that (a reconnect loop) behind a vaguer error; each command says.
      enableReadyCheck: false,
      lazyConnect: true,
      retryStrategy: (times) => (times > 3 ? null : 50),
    });
    this.redis.on('error', () => {}); // surfaced by the failing command instead
  }

  get label() {
    return `${this.address.host}:${this.address.port}`;
  }

  /** Everything the planner needs from this node, in one round trip. Never throws: a node that does not answer says so. */
  async observe(): Promise<RedisObservation> {
    try {
      // Not awaited: the commands wait in the offline queue, each under the command timeout. A node
      // that accepts the connection but never answers (frozen) would otherwise cost the AUTH and
      // ready-check timeouts first, three times the timeout in all.
      if (this.redis.status === 'end' || this.redis.status === 'wait') this.redis.connect().catch(() => {});
      const results = await this.redis
        .pipeline()
        .call('CLUSTER', 'MYID')
        .call('CLUSTER', 'NODES')
        .call('CLUSTER', 'INFO')
        .info('replication')
        .dbsize()
        .call('CONFIG', 'GET', ...MANAGED_CONFIG_KEYS)
        .call('ACL', 'GETUSER', REDIS_USERS.tenant)
        .info('persistence')
        .call('ACL', 'DRYRUN', REDIS_USERS.tenant, ...TENANT_ACL_PROBE)
        .exec();
      if (!results) throw new Error('no answer');
      // (A node without the tenant's user answers the dry run with an error: not current either.)
      const probe = results[8];
      const [myId, nodes, info, replication, keys, config, tenantUser, persistence] = results.slice(0, 8).map(([err, value]) => {
        if (err) throw err;
        return value;
      });
      const repl = parseInfo(String(replication));
      const pairs = config as string[];
      const configMap: Record<string, string> = {};
      for (let i = 0; i + 1 < pairs.length; i += 2) configMap[pairs[i]!] = pairs[i + 1]!;
      const isReplica = repl.role === 'slave';
      return {
        reachable: true,
        myId: String(myId),
        view: parseClusterNodes(String(nodes)),
        clusterState: parseInfo(String(info)).cluster_state ?? 'unknown',
        persistenceError: persistenceError(parseInfo(String(persistence)), configMap),
        keys: Number(keys),
        linkUp: isReplica ? repl.master_link_status === 'up' : null,
        offset: Number((isReplica ? repl.slave_repl_offset : repl.master_repl_offset) ?? 0),
        ...replicaLink(repl),
        config: configMap,
        tenantPasswords: passwordsOf(tenantUser),
        tenantAclCurrent: !probe?.[0] && probe?.[1] !== 'OK',
      };
    } catch (err) {
      return { reachable: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  async nodes(): Promise<ClusterNodeEntry[]> {
    return parseClusterNodes(String(await this.redis.call('CLUSTER', 'NODES')));
  }
  async myId(): Promise<string> {
    return String(await this.redis.call('CLUSTER', 'MYID'));
  }
  async clusterInfo(): Promise<Record<string, string>> {
    return parseInfo(String(await this.redis.call('CLUSTER', 'INFO')));
  }
  async info(section: string): Promise<Record<string, string>> {
    return parseInfo(await this.redis.info(section));
  }
  async dbsize(): Promise<number> {
    return this.redis.dbsize();
  }
  async setConfigEpoch(epoch: number): Promise<void> {
    await this.redis.call('CLUSTER', 'SET-CONFIG-EPOCH', String(epoch));
  }
  async addSlotsRange(ranges: SlotRange[]): Promise<void> {
    await this.redis.call('CLUSTER', 'ADDSLOTSRANGE', ...ranges.flatMap(([a, b]) => [String(a), String(b)]));
  }
  async meet(host: string, port: number): Promise<void> {
    await this.redis.call('CLUSTER', 'MEET', host, String(port));
  }
  async replicate(primaryId: string): Promise<void> {
    await this.redis.call('CLUSTER', 'REPLICATE', primaryId);
  }
  async forget(redisNodeId: string): Promise<void> {
    await this.redis.call('CLUSTER', 'FORGET', redisNodeId);
  }
  /**
   * Copies up to `count` keys of `slot` to the target from the node itself (see COPY_LISTING),
   * or moves them (`move`). Returns how many keys were listed, the keys copied (or moved) with
   * their fingerprints (copies only), and the bytes.
   */
  async copyListing(slot: number, count: number, maxBytes: number, to: { host: string; port: number; username: string; password: string; timeoutMs: number }, how: 'copy' | 'move' = 'copy'): Promise<{ listed: number; keys: string[]; sums: string[]; bytes: number }> {
    const [listed, keys, sums, bytes] = (await this.redis.eval(
      COPY_LISTING, 0, String(slot), String(count), String(maxBytes), to.host, String(to.port), String(to.timeoutMs), to.username, to.password, how,
    )) as [number, string[], string[], number];
    return { listed: Number(listed), keys, sums, bytes: Number(bytes) };
  }
  /** Deletes each key whose value still has the fingerprint copyListing gave (DELETE_UNCHANGED); returns how many. */
  async deleteUnchanged(keys: string[], sums: string[]): Promise<number> {
    if (!keys.length) return 0;
    return Number(await this.redis.eval(DELETE_UNCHANGED, 0, ...keys.flatMap((k, i) => [k, sums[i]!])));
  }
  /**
   * Waits until `replicas` replicas acknowledge everything this node has taken so far (not only
   * this connection's writes: WAIT counts from the offset of the connection's previous command,
   * the PING). Returns how many did within `timeoutMs`.
   */
  async replicated(replicas: number, timeoutMs: number): Promise<number> {
    const replies = (await this.redis.pipeline().ping().call('WAIT', String(replicas), String(timeoutMs)).exec()) ?? [];
    const [err, n] = replies[1] ?? [new Error('no reply to WAIT'), 0];
    if (err) throw err;
    return Number(n);
  }
  /** Replicas linked to this primary and in sync (INFO replication: state=online). */
  async onlineReplicas(): Promise<number> {
    const repl = await this.info('replication');
    return Object.entries(repl).filter(([k, v]) => /^slave\d+$/.test(k) && v.includes('state=online')).length;
  }
  /** Bytes each key takes (MEMORY USAGE), in one round trip; 0 for a key that is gone. */
  async memoryUsage(keys: string[]): Promise<number[]> {
    if (!keys.length) return [];
    const pipe = this.redis.pipeline();
    // Default sampling: exact for strings, an estimate for big collections (SAMPLES 0 would walk them all).
    for (const k of keys) pipe.call('MEMORY', 'USAGE', k);
    return ((await pipe.exec()) ?? []).map(([err, v]) => (err ? 0 : Number(v ?? 0)));
  }
  /**
   * The same CLUSTER SETSLOT subcommand for many slots, in one script run on the node (no
   * command per slot to build and parse here). Returns each slot's error message (or null):
   * the caller decides which answers mean "already so".
   */
  async setSlots(slots: number[], how: 'IMPORTING' | 'MIGRATING' | 'NODE', nodeId: string): Promise<Array<string | null>> {
    if (!slots.length) return [];
    const errors = (await this.redis.eval(SET_SLOTS, 0, how, nodeId, ...slots.map(String))) as string[];
    return errors.map((e) => e || null);
  }
  /** CLUSTER SETSLOT <slot> STABLE for many slots (their migrating or importing state cleared), in one script run. */
  async stableSlots(slots: number[]): Promise<Array<string | null>> {
    if (!slots.length) return [];
    const errors = (await this.redis.eval(STABLE_SLOTS, 0, ...slots.map(String))) as string[];
    return errors.map((e) => e || null);
  }
  /** COUNTKEYSINSLOT for many slots, in one script run on the node. */
  async countKeysInSlots(slots: number[]): Promise<number[]> {
    if (!slots.length) return [];
    return ((await this.redis.eval(COUNT_KEYS, 0, ...slots.map(String))) as number[]).map(Number);
  }
  async configSet(params: Record<string, string | number>): Promise<void> {
    await this.redis.call('CONFIG', 'SET', ...Object.entries(params).flatMap(([k, v]) => [k, String(v)]));
  }
  /**
   * The tenant's user accepts exactly these passwords (SHA-256 hex) from now on: one ACL SETUSER,
   * which Redis applies whole or not at all, so there is no moment without a password. Clients
   * already logged in stay so. Its commands are set to TENANT_ACL in the same command (a node
   * started with older rules gets the current ones); it stays on, its keys and channels all.
   */
  async setTenantPasswords(hashes: string[]): Promise<void> {
    if (!hashes.length) throw new Error('refusing to leave the tenant user without a password');
    // nocommands, then TENANT_ACL: the user's commands are exactly the current rules.
    await this.redis.call('ACL', 'SETUSER', REDIS_USERS.tenant, 'resetpass', ...hashes.map((h) => `#${h}`), 'nocommands', ...TENANT_ACL);
  }
  /**
   * Ends the script that keeps this node BUSY: SCRIPT KILL, or when the script has written
   * (UNKILLABLE) SHUTDOWN NOSAVE, whose answer is the connection closing.
   */
  async stopWedged(): Promise<'script_kill' | 'shutdown'> {
    const killed = await this.redis.call('SCRIPT', 'KILL').then(
      () => true,
      (err: Error) => {
        if (/NOTBUSY/.test(err.message)) return true;
        if (/UNKILLABLE/.test(err.message)) return false;
        throw err;
      },
    );
    if (killed) return 'script_kill';
    await this.redis.call('SHUTDOWN', 'NOSAVE').catch((err: Error) => {
      // The answer to a SHUTDOWN is the connection closing (ioredis then gives up the command).
      if (!/Connection is closed|ECONNRESET|EPIPE|max retries per request/.test(err.message)) throw err;
    });
    return 'shutdown';
  }
  async configGet(key: string): Promise<string | undefined> {
    const pairs = (await this.redis.call('CONFIG', 'GET', key)) as string[];
    return pairs[1];
  }
  close(): void {
    this.redis.disconnect();
  }
}

/** Connections to the nodes of one cluster, opened on first use and closed together. */
export class NodeAdminPool {
  private readonly admins = new Map<string, NodeAdmin>();
  constructor(private readonly timeoutMs: number = NODE_COMMAND_TIMEOUT_MS) {}
  get(address: NodeAddress): NodeAdmin {
    const key = `${address.username ?? REDIS_USERS.admin}@${address.host}:${address.port}`;
    let admin = this.admins.get(key);
    if (!admin || admin.address.password !== address.password) {
      admin?.close();
      admin = new NodeAdmin(address, this.timeoutMs);
      this.admins.set(key, admin);
    }
    return admin;
  }
  /** Closes the connections to every node not in `keep` (host:port). */
  retainOnly(keep: Set<string>): void {
    for (const [key, admin] of this.admins) {
      if (keep.has(admin.label)) continue;
      admin.close();
      this.admins.delete(key);
    }
  }
  close(): void {
    for (const a of this.admins.values()) a.close();
    this.admins.clear();
  }
}
