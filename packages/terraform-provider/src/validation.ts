import { ClusterFields, REDIS_CONFIG_DEFAULTS, STRICT_NEEDS_REPLICAS, type RedisConfig } from '@slotplane/contracts';
import type { TfValue } from './values.ts';
import { isUnknown } from './values.ts';

/**
 * A cluster's attributes checked at plan time, so a bad config fails before anything is created:
 * with the API's own field schemas (@slotplane/contracts, bundled into the provider), so the
 * messages are the API's, with its field names, and the two cannot drift apart.
 */
export interface FieldError {
  /** The Terraform attribute, e.g. shards. */
  attribute: string;
  /** The API's field, e.g. body.shards. */
  field: string;
  message: string;
}

/** Each Terraform attribute and the API field it is. */
const FIELDS = {
  name: 'name',
  shards: 'shards',
  replicas_per_shard: 'replicasPerShard',
  max_memory_mb: 'maxMemoryMb',
  persistence: 'persistence',
  durability: 'durability',
} as const satisfies Record<string, keyof typeof ClusterFields>;

/** Every allow-listed redis.conf key and whether the API wants it as a number: as its default is. */
export const REDIS_CONFIG_KINDS = Object.fromEntries(Object.entries(REDIS_CONFIG_DEFAULTS).map(([k, v]) => [k, typeof v === 'number' ? 'number' : 'string'])) as Record<keyof RedisConfig, 'number' | 'string'>;

/** Terraform's map(string) to the API's redisConfig object (numbers where the API wants them). */
export function redisConfigToApi(map: Record<string, string>): RedisConfig {
  return Object.fromEntries(
    Object.entries(map).map(([k, v]) => [k, REDIS_CONFIG_KINDS[k as keyof RedisConfig] === 'number' && /^-?\d+$/.test(v) ? Number(v) : v]),
  ) as RedisConfig;
}

export function validateCluster(config: Record<string, TfValue>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [attribute, field] of Object.entries(FIELDS)) {
    const v = config[attribute];
    // Unknown until apply, or left out (the API's default): nothing to check yet.
    if (v === null || v === undefined || isUnknown(v)) continue;
    const checked = ClusterFields[field].safeParse(v);
    if (!checked.success) errors.push({ attribute, field: `body.${field}`, message: checked.error.issues[0]!.message });
  }
  if (config.durability === 'strict' && config.replicas_per_shard === 0) {
    errors.push({ attribute: 'durability', field: 'body.durability', message: STRICT_NEEDS_REPLICAS });
  }
  const rc = config.redis_config;
  if (rc && !isUnknown(rc) && typeof rc === 'object' && !Array.isArray(rc)) {
    for (const k of Object.keys(rc)) {
      if (!(k in REDIS_CONFIG_KINDS)) errors.push({ attribute: 'redis_config', field: 'body.redisConfig', message: `Unrecognized key: "${k}"` });
    }
  }
  return errors;
}
