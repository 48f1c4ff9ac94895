import type { CtyType } from './values.ts';

/** One attribute of a schema block, as Terraform's GetProviderSchema wants it. */
export interface AttributeSpec {
  type: CtyType;
  description: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
}
export type BlockSpec = Record<string, AttributeSpec>;

export const objectType = (block: BlockSpec): CtyType => ['object', Object.fromEntries(Object.entries(block).map(([k, a]) => [k, a.type]))];

/** The wire form of a schema (tfplugin6.Schema); a type is the compact JSON of the cty type. */
export function toWireSchema(block: BlockSpec, version = 0) {
  return {
    version,
    block: {
      version,
      attributes: Object.entries(block).map(([name, a]) => ({
        name,
        type: Buffer.from(JSON.stringify(a.type)),
        description: a.description,
        required: a.required ?? false,
        optional: a.optional ?? false,
        computed: a.computed ?? false,
        sensitive: a.sensitive ?? false,
      })),
    },
  };
}

export const providerSchema: BlockSpec = {
  endpoint: { type: 'string', optional: true, description: 'Base URL of the Slotplane API, e.g. http://127.0.0.1:8080. Default: $SLOTPLANE_API_URL.' },
  api_key: { type: 'string', optional: true, sensitive: true, description: 'A tenant API key. Default: $SLOTPLANE_API_KEY.' },
};

const endpointsType: CtyType = ['list', ['object', { host: 'string', port: 'number', role: 'string' }]];

export const clusterResourceSchema: BlockSpec = {
  id: { type: 'string', computed: true, description: 'The cluster id.' },
  name: { type: 'string', required: true, description: 'DNS-label-like name, unique per tenant. Changing it replaces the cluster.' },
  shards: { type: 'number', required: true, description: 'Number of shards (primaries), 1-64. Changed online.' },
  replicas_per_shard: { type: 'number', required: true, description: 'Replicas of each primary, 0-5. Changed online.' },
  max_memory_mb: { type: 'number', optional: true, computed: true, description: 'maxmemory of every node, in MiB (16-262144; the API defaults to 256).' },
  persistence: { type: 'string', optional: true, computed: true, description: 'none, aof or rdb (the API defaults to none).' },
  durability: {
    type: 'string',
    optional: true,
    computed: true,
    description:
      'strict: a primary refuses writes (NOREPLICAS) unless a replica acknowledged within 2 s, so one cut off from its replicas stops before Redis can promote one; a primary whose replicas are all gone refuses writes until one has synced again. relaxed: a primary takes writes alone. strict needs replicas_per_shard >= 1. Left out: strict with replicas, relaxed without (following replicas_per_shard). Changed online.',
  },
  redis_config: { type: ['map', 'string'], optional: true, description: 'Allow-listed redis.conf keys (maxmemory-policy, timeout, hz, ...); numbers as strings are fine.' },
  status: { type: 'string', computed: true, description: 'Observed status: creating, available, modifying, degraded, failed, deleting.' },
  endpoints: { type: endpointsType, computed: true, description: 'Nodes that answered the last observation: primaries first.' },
  username: { type: 'string', computed: true, description: 'Your Redis user.' },
  password: { type: 'string', computed: true, sensitive: true, description: 'Its password.' },
};

export const clusterDataSourceSchema: BlockSpec = {
  ...Object.fromEntries(Object.entries(clusterResourceSchema).map(([k, a]) => [k, { type: a.type, description: a.description, computed: true, sensitive: a.sensitive ?? false }])),
  id: { type: 'string', optional: true, computed: true, description: 'The cluster id (give id or name).' },
  name: { type: 'string', optional: true, computed: true, description: 'The cluster name (give id or name).' },
};

export const providerType = objectType(providerSchema);
export const clusterType = objectType(clusterResourceSchema);
export const clusterDataType = objectType(clusterDataSourceSchema);
