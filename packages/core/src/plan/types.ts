import type { ClusterSpec, DataLossKind, NodeRole, NodeStatus, SlotRange, StartFailure } from '@slotplane/contracts';
import type { ClusterNodeEntry } from '../cluster-nodes.ts';
import type { HostState } from '../hosts.ts';
import type { PlacedNode, PlacementHost } from '../placement.ts';

/** What the tenant asked for, as the API stored it. */
export interface DesiredCluster {
  generation: number;
  spec: ClusterSpec;
  deleting: boolean;
  /** What the tenant's user must accept on every node (tenantPasswordHashes): one password, two during a rotation. */
  tenantPasswords: string[];
  /** The previous password's grace period is over: the control plane stops honouring it. */
  previousPasswordExpired: boolean;
}

/** The file a node cannot write: its append-only file, or its RDB snapshot. */
export type PersistenceError = 'aof' | 'rdb';

/** What one node said over the Redis protocol in this observation. */
export interface RedisAnswer {
  reachable: true;
  myId: string;
  /** Its CLUSTER NODES: how it sees itself and every node it knows. */
  view: ClusterNodeEntry[];
  /** cluster_state from CLUSTER INFO. */
  clusterState: string;
  /**
   * What the node last failed to write to disk (INFO persistence: `aof_last_write_status:err`, or
   * `rdb_last_bgsave_status:err` with snapshots on): while so it refuses writes with MISCONF. null
   * when it persists (or has nothing to persist).
   */
  persistenceError: PersistenceError | null;
  /** DBSIZE. */
  keys: number;
  /** master_link_status from INFO replication; null on a primary. */
  linkUp: boolean | null;
  /** master_repl_offset (primary) or slave_repl_offset (replica). */
  offset: number;
  /**
   * Replica only: how long its link to its primary has been down (0 while up; INFO gives whole
   * seconds). null on a primary, and on a replica that has not completed a sync since it started
   * or was demoted (master_link_down_since_seconds:-1): it may hold nothing of its primary.
   */
  linkDownMs: number | null;
  /** Replica only: a full sync is under way (master_sync_in_progress:1): it holds nothing of its primary yet. */
  syncing: boolean;
  /** CONFIG GET of the keys the control plane manages. */
  config: Record<string, string>;
  /** The passwords the tenant's user accepts (ACL GETUSER: SHA-256 hex, sorted); null when the node has no such user. */
  tenantPasswords: string[] | null;
  /** The tenant's user is refused what TENANT_ACL denies it (ACL DRYRUN of a denied command): false on a node started with older rules. */
  tenantAclCurrent: boolean;
}
export type RedisObservation = RedisAnswer | { reachable: false; error: string };

/** One node as Postgres (its assignment, what its agent reported) and Redis (its own answers) show it. */
export interface ObservedNode {
  id: string;
  shardIndex: number;
  hostId: string;
  /** Address clients and peers use. */
  host: string;
  port: number;
  /** The role it was placed for; only decides which node of a new shard gets the shard's slots. */
  placedRole: NodeRole;
  /** Taken away from its host: the agent stops it and erases its data. */
  removed: boolean;
  /** The process, as its agent last reported it ('pending' until the agent reports it at all). */
  agent: NodeStatus;
  /** The run generation assigned, and the one the agent reports running. */
  runGeneration: number;
  agentRunGeneration: number | null;
  /** The config revision the agent last wrote redis.conf for. */
  agentRevision: string | null;
  /** Why its agent could not start its current run (redis.conf not written, redis-server exited at once); null otherwise. */
  startFailure: StartFailure | null;
  /** Redis node id as last recorded (survives the process). */
  redisNodeId: string | null;
  /** This observation's answer; null when the node was not asked (no running process). */
  redis: RedisObservation | null;
  /**
   * How long the node has not been answering, as recorded across observations (0 when it answers);
   * on a silent host, at least since the host's last heartbeat.
   */
  silentForMs: number;
  /** How long ago its agent reported its process exited; null unless it is `exited`. */
  exitedForMs: number | null;
  /** The config epoch it was last seen with (recorded across observations); null if never seen. */
  lastEpoch: number | null;
  /** Its host as the agent's heartbeats show it: a lost host's last reports are stale. */
  hostState: HostState;
}

/** A slot move in the journal that is not done yet. */
export interface OpenMove {
  slot: number;
  sourceNodeId: string;
  targetNodeId: string;
  state: string;
  /** The spec generation a scale's move was planned for; null for a rebalance's. */
  generation: number | null;
}

/** What an open operation other than a spec change asks for. */
export type Request =
  | { kind: 'rebalance'; operationId: string; by: 'slots' | 'memory'; thresholdPercent: number; movesDone: number; movesOpen: number }
  | { kind: 'switchover'; operationId: string; shardIndex: number; nodeId: string | null; fromNodeId: string };

export interface ObservedCluster {
  nodes: ObservedNode[];
  /** Live shard rows (not retired by a scale-in); 0 before placement. Their indices are 0..shardCount-1. */
  shardCount: number;
  /** The journal's moves that are not done. */
  moves: OpenMove[];
  /** Open rebalance and switchover requests, oldest first. */
  requests: Request[];
  /** Bytes held per slot, measured only while a rebalance by memory is asked for. */
  slotBytes: Map<number, number> | null;
  /** Hosts that may take new nodes now (agents heard from recently), with the ports taken on each and their free disk. */
  fleet: PlacementHost[];
  /** A host takes a new node only with at least this much free disk (HOST_MIN_FREE_DISK_MB), or the node's maxmemory with persistence if more. */
  minFreeDiskBytes: number;
  /**
   * An open update asks for a shard count (PATCH of shards): the slots end at exact shares by
   * slots, even after a scale that was taken back midway.
   */
  reshaping: boolean;
  /** The cluster has converged at least once (observedGeneration > 0): it is formed, not being created. */
  formed: boolean;
}

/** A dead node whose shard gets a new node in the same place step (a `node.replaced` event). */
export interface Replaced {
  nodeId: string;
  shardIndex: number;
  reason: string;
}

/**
 * One action against the world. Steps of one plan are independent across nodes; steps for
 * the same node run in the order given.
 */
export type Step =
  /** Postgres: new shard rows and node assignments (the agents start the processes). */
  | { kind: 'place'; newShards: number[]; nodes: PlacedNode[]; warnings: string[]; replaces?: Replaced[] }
  /** Postgres: take nodes off their hosts (the agents stop them and erase their data). */
  | { kind: 'remove'; nodeIds: string[]; reason: string }
  /**
   * Postgres: a new run generation for a node whose process exited, so its agent starts it again
   * in its own data dir (same node id, slots and, with persistence, data). `loss` says what its
   * persistence cannot give back, recorded as a data loss on the cluster and a `shard.data_lost` event.
   */
  | { kind: 'restart'; nodeId: string; loss: DataLossKind | null }
  | { kind: 'configSet'; nodeId: string; params: Record<string, string> }
  | { kind: 'setConfigEpoch'; nodeId: string; epoch: number }
  | { kind: 'addSlots'; nodeId: string; ranges: SlotRange[] }
  | { kind: 'meet'; nodeId: string; host: string; port: number }
  | { kind: 'replicate'; nodeId: string; primaryRedisId: string }
  | { kind: 'forget'; nodeId: string; forgetRedisId: string }
  /** Postgres: journal rows for the moves a plan needs, for the operation they serve. */
  | { kind: 'journalMoves'; operationId: string | null; /** The spec generation a scale's moves serve; null for a rebalance. */ generation: number | null; moves: Array<{ slot: number; sourceNodeId: string; targetNodeId: string }> }
  /** Postgres: moves planned for an older spec that have not started are dropped from the journal. */
  | { kind: 'dropMoves'; slots: number[] }
  /**
   * Redis + journal: started moves of an older spec are undone: their keys go back from the target
   * (this node) to the source, which still owns the slots, both sides close the slot, and the
   * journal forgets them.
   */
  | { kind: 'undoMoves'; nodeId: string; sourceNodeId: string; slots: number[] }
  /**
   * Postgres: the journal's open moves of these slots now name this source and target (a move cut
   * by a death is finished by the node that took the dead one's place).
   */
  | { kind: 'repointMoves'; slots: number[]; sourceNodeId: string; targetNodeId: string; reason: string }
  /**
   * Postgres: open moves whose target owns the slot already while their source is gone: nothing
   * is left to do but what gossip does (the target's newer epoch), so they are done.
   */
  | { kind: 'finishMoves'; slots: number[]; reason: string }
  /** Redis: CLUSTER SETSLOT <slot> IMPORTING|MIGRATING|NODE <redisId> on this node, for each slot. */
  | { kind: 'setSlots'; nodeId: string; slots: number[]; how: 'IMPORTING' | 'MIGRATING' | 'NODE'; redisId: string }
  /** Redis + journal: move these slots (all of them open in the journal) from source to target. */
  | { kind: 'moveSlots'; nodeId: string; targetNodeId: string; slots: number[]; otherPrimaryIds: string[] }
  /** Postgres: shards drained by a scale-in whose nodes are gone. */
  | { kind: 'retireShards'; shardIndexes: number[] }
  /**
   * Redis: CLUSTER FAILOVER on this replica, waited for until it is primary: coordinated with its
   * primary (no mode); FORCE when its agent saw the primary's process exit (no write can reach it;
   * the other primaries still vote); TAKEOVER, without a vote, only when the cluster's policy
   * allows it and the primaries left are no majority, or when the primary's death is confirmed
   * (its agent saw the process exit) and the primaries left are too few to vote a FORCE through.
   */
  | {
      kind: 'failover';
      nodeId: string;
      fromNodeId: string;
      mode?: 'force' | 'takeover';
      /** Why, as the shard.failover event says it. */
      trigger: 'agent_exit' | 'takeover' | 'switchover' | 'primary_failed';
      /**
       * The old primary's moves under way, which the new one goes on with: CLUSTER SETSLOT
       * MIGRATING to each target, set before any client's write reaches it (writes are held from
       * just before the promotion until then).
       */
      migrating?: Array<{ redisId: string; slots: number[] }>;
    }
  /**
   * Redis: a node that has answered only BUSY (a script that will not end) for WEDGED_AFTER_MS is
   * stopped: SCRIPT KILL, and SHUTDOWN NOSAVE when the script wrote (UNKILLABLE). Its exit is then
   * healed as any (its replica promoted, the node started again).
   */
  | { kind: 'stopWedged'; nodeId: string; reason: string }
  /** Redis: the tenant's user accepts exactly these passwords (ACL SETUSER resetpass #<hash>...), in one atomic command. */
  | { kind: 'setTenantPasswords'; nodeId: string; hashes: string[] }
  /** Postgres: the previous password's grace is over; it is no longer honoured (the agents rewrite redis.conf). */
  | { kind: 'retirePreviousPassword' };
export type StepKind = Step['kind'];

/** Steps that only write Postgres: the worker commits a plan's in one transaction, before its Redis steps. */
export const POSTGRES_STEPS: ReadonlySet<StepKind> = new Set(['place', 'remove', 'restart', 'journalMoves', 'dropMoves', 'repointMoves', 'finishMoves', 'retireShards', 'retirePreviousPassword']);

/**
 * Steps that change slot ownership, membership or roles, or who may log in: the lease is
 * re-checked right before them (a stale worker must not hand back a retired password).
 */
export const FENCED_STEPS: ReadonlySet<StepKind> = new Set(['setConfigEpoch', 'addSlots', 'meet', 'replicate', 'forget', 'setSlots', 'moveSlots', 'undoMoves', 'failover', 'setTenantPasswords', 'stopWedged']);

export type BlockedCode = 'placement_failed' | 'create_refused' | 'node_down' | 'shard_lost' | 'not_supported' | 'no_replica' | 'quorum_lost' | 'persistence_failed' | 'start_failed';

/** The planner's answer: the next steps, or why there are none. */
export type Plan =
  | { kind: 'act'; phase: string; progress: number; steps: Step[] }
  /** Nothing to do but look again after `delayMs` (a process starting, gossip spreading, a replica syncing). */
  | { kind: 'wait'; phase: string; progress: number; delayMs: number }
  /** Observation matches the desired cluster. */
  | { kind: 'done' }
  /**
   * The planner cannot get further. Permanent: no retry helps (refused node, no capacity).
   * Otherwise the cluster is observed again after a while, in case the world changes.
   */
  | { kind: 'blocked'; code: BlockedCode; reason: string; permanent: boolean };
