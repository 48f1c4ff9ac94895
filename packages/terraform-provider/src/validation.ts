import type { RedisConfig } from '@slotplane/contracts';
import type { TfValue } from './values.ts';
import { isUnknown } from './values.ts';

/**
 * The API's bounds on a cluster, checked at plan time so a bad config fails before anything is
 * created. The messages are the API's own (zod's), with its field names; validation.test.ts
 * holds them against @slotplane/contracts so the two cannot drift apart.
 */
/**
 * The API's message for durability strict without replicas (contracts' STRICT_NEEDS_REPLICAS).
 * A copy, not an import: the provider's build strips types file by file and loads no workspace
 * package at run time.
 */
const STRICT_NEEDS_REPLICAS = 'strict needs replicasPerShard >= 1 (a primary without a replica would refuse every write); use relaxed';

export interface FieldError {
  /** The Terraform attribute, e.g. shards. */
  attribute: string;
  /** The API's field, e.g. body.shards. */
  field: string;
  message: string;
}

export const INTEGER_BOUNDS = {
  shards: { field: 'shards', min: 1, max: 64 },
  replicas_per_shard: { field: 'replicasPerShard', min: 0, max: 5 },
  max_memory_mb: { field: 'maxMemoryMb', min: 16, max: 262_144 },
} as const;

export const PERSISTENCE = ['none', 'aof', 'rdb'] as const;
export const DURABILITY = ['strict', 'relaxed'] as const;
const NAME = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

type Kind<T> = T extends number ? 'number' : 'string';
/** Every allow-listed redis.conf key and whether the API wants it as a number (the compiler checks both). */
export const REDIS_CONFIG_KINDS: { [K in keyof Required<RedisConfig>]: Kind<NonNullable<RedisConfig[K]>> } = {
  'maxmemory-policy': 'string',
  timeout: 'number',
  'tcp-keepalive': 'number',
  'notify-keyspace-events': 'string',
  'slowlog-log-slower-than': 'number',
  'slowlog-max-len': 'number',
  'cluster-allow-reads-when-down': 'string',
  hz: 'number',
  maxclients: 'number',
};

/** Terraform's map(string) to the API's redisConfig object (numbers where the API wants them). */
export function redisConfigToApi(map: Record<string, string>): RedisConfig {
  return Object.fromEntries(
    Object.entries(map).map(([k, v]) => [k, REDIS_CONFIG_KINDS[k as keyof RedisConfig] === 'number' && /^-?\d+$/.test(v) ? Number(v) : v]),
  ) as RedisConfig;
}

export function validateCluster(config: Record<string, TfValue>): FieldError[] {
  const errors: FieldError[] = [];
  const name = config.name;
  if (typeof name === 'string') {
    if (name.length < 1) errors.push({ attribute: 'name', field: 'body.name', message: 'Too small: expected string to have >=1 characters' });
    else if (name.length > 63) errors.push({ attribute: 'name', field: 'body.name', message: 'Too big: expected string to have <=63 characters' });
    else if (!NAME.test(name)) {
      errors.push({ attribute: 'name', field: 'body.name', message: 'must be a DNS label: lowercase letters, digits and "-", starting with a letter, not ending with "-"' });
    }
  }
  for (const [attribute, b] of Object.entries(INTEGER_BOUNDS)) {
    const v = config[attribute];
    if (typeof v !== 'number') continue;
    const field = `body.${b.field}`;
    if (!Number.isInteger(v)) errors.push({ attribute, field, message: 'Invalid input: expected int, received number' });
    else if (v < b.min) errors.push({ attribute, field, message: `Too small: expected number to be >=${b.min}` });
    else if (v > b.max) errors.push({ attribute, field, message: `Too big: expected number to be <=${b.max}` });
  }
  const p = config.persistence;
  if (typeof p === 'string' && !(PERSISTENCE as readonly string[]).includes(p)) {
    errors.push({ attribute: 'persistence', field: 'body.persistence', message: `Invalid option: expected one of ${PERSISTENCE.map((o) => `"${o}"`).join('|')}` });
  }
  const d = config.durability;
  if (typeof d === 'string' && !(DURABILITY as readonly string[]).includes(d)) {
    errors.push({ attribute: 'durability', field: 'body.durability', message: `Invalid option: expected one of ${DURABILITY.map((o) => `"${o}"`).join('|')}` });
  } else if (d === 'strict' && config.replicas_per_shard === 0) {
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
