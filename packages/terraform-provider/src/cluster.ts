import type { Cluster, CreateClusterBody, PatchClusterBody } from '@slotplane/contracts';
import { ApiError, type Credentials, type SlotplaneApi } from './api.ts';
import { UNKNOWN, isUnknown, type TfValue } from './values.ts';
import { redisConfigToApi } from './validation.ts';

/** The slotplane_cluster resource: Terraform state <-> the API's cluster. */
export type State = Record<string, TfValue>;

/** What the provider keeps beside the state: the generation it last read, for If-Match. */
export interface PrivateState {
  generation?: number;
}
export const encodePrivate = (p: PrivateState): Buffer => Buffer.from(JSON.stringify(p));
export function decodePrivate(b: Buffer | Uint8Array | undefined | null): PrivateState {
  if (!b || b.length === 0) return {};
  try {
    return JSON.parse(Buffer.from(b).toString('utf8')) as PrivateState;
  } catch {
    return {};
  }
}

/** Attributes the API computes: unknown in a plan until it says. */
const COMPUTED = ['id', 'status', 'endpoints', 'username', 'password'] as const;
/** Attributes a PATCH changes in place (name forces a new cluster). */
const IN_PLACE = ['shards', 'replicas_per_shard', 'max_memory_mb', 'persistence', 'durability', 'redis_config'] as const;

const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

/**
 * The state Terraform keeps for a cluster. redis_config: the API has {} where Terraform may have
 * null (left out of the config); `redisConfigWas` keeps whichever the config used, so an empty
 * object never shows as a change.
 */
export function clusterState(cluster: Cluster, creds: Credentials | null, redisConfigWas: TfValue): State {
  const entries = Object.entries(cluster.spec.redisConfig ?? {}).filter(([, v]) => v !== undefined);
  return {
    id: cluster.id,
    name: cluster.name,
    shards: cluster.spec.shards,
    replicas_per_shard: cluster.spec.replicasPerShard,
    max_memory_mb: cluster.spec.maxMemoryMb,
    persistence: cluster.spec.persistence,
    durability: cluster.spec.durability ?? null,
    redis_config: entries.length === 0 && (redisConfigWas === null || redisConfigWas === undefined) ? null : Object.fromEntries(entries.map(([k, v]) => [k, String(v)])),
    status: cluster.status,
    endpoints: (creds?.endpoints ?? []).map((e) => ({ host: e.host, port: e.port, role: e.role })),
    username: creds?.username ?? '',
    password: creds?.password ?? '',
  };
}

/** The cluster as the API has it now, and its generation; null when it is gone. */
export async function readCluster(api: SlotplaneApi, id: string, redisConfigWas: TfValue): Promise<{ state: State; priv: PrivateState } | null> {
  const cluster = await api.getCluster(id);
  if (!cluster) return null;
  let creds: Credentials | null = null;
  try {
    creds = await api.credentials(id);
  } catch (err) {
    // Being deleted: no credentials any more. The cluster still shows until it is gone.
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  return { state: clusterState(cluster, creds, redisConfigWas), priv: { generation: cluster.generation } };
}

export interface Plan {
  planned: State | null;
  requiresReplace: string[];
}

/**
 * PlanResourceChange: what Terraform will show, with what only the API can know left unknown.
 * `config` is what the configuration itself says (null attributes it leaves out), when given.
 */
export function planCluster(prior: State | null, proposed: State | null, config: State | null = null): Plan {
  if (proposed === null) return { planned: null, requiresReplace: [] };
  const planned: State = { ...proposed };
  if (prior === null) {
    for (const k of COMPUTED) planned[k] = UNKNOWN;
    if (planned.max_memory_mb === null) planned.max_memory_mb = UNKNOWN;
    if (planned.persistence === null) planned.persistence = UNKNOWN;
    if (planned.durability === null || planned.durability === undefined) planned.durability = UNKNOWN;
    return { planned, requiresReplace: [] };
  }
  // Left out of the configuration, durability follows replicas_per_shard: known after apply.
  if (config && (config.durability === null || config.durability === undefined) && !same(prior.replicas_per_shard, proposed.replicas_per_shard)) planned.durability = UNKNOWN;
  const requiresReplace = same(prior.name, proposed.name) ? [] : ['name'];
  if (requiresReplace.length > 0) {
    for (const k of COMPUTED) planned[k] = UNKNOWN;
  } else if (IN_PLACE.some((k) => !same(prior[k], proposed[k]))) {
    planned.status = UNKNOWN;
    // The nodes change only with the shape; memory, persistence, durability and redis_config are
    // set on the running nodes, which keep their addresses.
    if (!same(prior.shards, proposed.shards) || !same(prior.replicas_per_shard, proposed.replicas_per_shard)) planned.endpoints = UNKNOWN;
  }
  return { planned, requiresReplace };
}

const num = (v: TfValue | undefined) => (typeof v === 'number' ? v : undefined);
const str = (v: TfValue | undefined) => (typeof v === 'string' ? v : undefined);
const redisConfig = (v: TfValue | undefined) => redisConfigToApi(v && typeof v === 'object' && !Array.isArray(v) && !isUnknown(v) ? (v as Record<string, string>) : {});

export function createBody(planned: State): CreateClusterBody {
  const body: Record<string, unknown> = {
    name: str(planned.name),
    shards: num(planned.shards),
    replicasPerShard: num(planned.replicas_per_shard),
    redisConfig: redisConfig(planned.redis_config),
  };
  if (num(planned.max_memory_mb) !== undefined) body.maxMemoryMb = num(planned.max_memory_mb);
  if (str(planned.persistence) !== undefined) body.persistence = str(planned.persistence);
  if (str(planned.durability) !== undefined) body.durability = str(planned.durability);
  return body as CreateClusterBody;
}

/** Only the fields that change: a PATCH replaces what it names. */
export function patchBody(prior: State, planned: State): PatchClusterBody {
  const body: Record<string, unknown> = {};
  if (!same(prior.shards, planned.shards)) body.shards = num(planned.shards);
  if (!same(prior.replicas_per_shard, planned.replicas_per_shard)) body.replicasPerShard = num(planned.replicas_per_shard);
  if (!same(prior.max_memory_mb, planned.max_memory_mb) && num(planned.max_memory_mb) !== undefined) body.maxMemoryMb = num(planned.max_memory_mb);
  if (!same(prior.persistence, planned.persistence) && str(planned.persistence) !== undefined) body.persistence = str(planned.persistence);
  if (!same(prior.durability, planned.durability) && str(planned.durability) !== undefined) body.durability = str(planned.durability);
  if (!same(prior.redis_config ?? {}, planned.redis_config ?? {})) body.redisConfig = redisConfig(planned.redis_config);
  return body as PatchClusterBody;
}
