import { ApiError, SlotplaneApi } from './api.ts';
import { clusterState, createBody, decodePrivate, encodePrivate, patchBody, planCluster, readCluster, type State } from './cluster.ts';
import { clusterDataSourceSchema, clusterDataType, clusterResourceSchema, clusterType, providerSchema, providerType, toWireSchema } from './schema.ts';
import { validateCluster } from './validation.ts';
import { decodeValue, dynamicValue, isUnknown, type TfValue } from './values.ts';

/** The tfplugin6.Provider methods, as plain async functions of decoded requests. */

export const RESOURCE = 'slotplane_cluster';
export const DATA_SOURCE = 'slotplane_cluster';

interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  summary: string;
  detail: string;
  attribute?: { steps: Array<{ attribute_name: string }> };
}
type DV = { msgpack?: Buffer; json?: Buffer } | null | undefined;

const API_FIELD_TO_ATTRIBUTE: Record<string, string> = {
  'body.name': 'name',
  'body.shards': 'shards',
  'body.replicasPerShard': 'replicas_per_shard',
  'body.maxMemoryMb': 'max_memory_mb',
  'body.persistence': 'persistence',
  'body.durability': 'durability',
};

const at = (attribute: string) => ({ steps: [{ attribute_name: attribute }] });

/** An error as Terraform shows it: the API's field messages each on its attribute. */
export function diagnosticsOf(err: unknown): Diagnostic[] {
  if (err instanceof ApiError) {
    if (err.fields.length > 0) {
      return err.fields.map((f) => {
        const attribute = API_FIELD_TO_ATTRIBUTE[f.field] ?? (f.field.startsWith('body.redisConfig') ? 'redis_config' : undefined);
        return { severity: 'ERROR', summary: `Slotplane API: ${err.code}`, detail: `${f.field}: ${f.message}`, ...(attribute ? { attribute: at(attribute) } : {}) };
      });
    }
    return [{ severity: 'ERROR', summary: `Slotplane API: ${err.code}`, detail: err.detail }];
  }
  const e = err as Error;
  return [{ severity: 'ERROR', summary: e?.message ?? String(err), detail: e?.cause ? String((e.cause as Error).message ?? e.cause) : '' }];
}

const objectOf = (v: TfValue): State | null => (v && typeof v === 'object' && !Array.isArray(v) && !isUnknown(v) ? (v as State) : null);

export function createProvider(log: (msg: string) => void) {
  let api: SlotplaneApi | null = null;
  const client = (): SlotplaneApi => {
    if (!api) throw new Error('the slotplane provider is not configured');
    return api;
  };

  return {
    GetProviderSchema: async () => ({
      provider: toWireSchema(providerSchema),
      resource_schemas: { [RESOURCE]: toWireSchema(clusterResourceSchema) },
      data_source_schemas: { [DATA_SOURCE]: toWireSchema(clusterDataSourceSchema) },
      diagnostics: [],
      server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
    }),

    ValidateProviderConfig: async () => ({ diagnostics: [] }),

    ValidateResourceConfig: async (req: { config: DV }) => {
      const config = objectOf(decodeValue(clusterType, req.config)) ?? {};
      return {
        diagnostics: validateCluster(config).map((e) => ({ severity: 'ERROR', summary: `Invalid ${e.attribute}`, detail: `${e.field}: ${e.message}`, attribute: at(e.attribute) })),
      };
    },

    ValidateDataResourceConfig: async (req: { config: DV }) => {
      const config = objectOf(decodeValue(clusterDataType, req.config)) ?? {};
      const given = ['id', 'name'].filter((k) => config[k] !== null);
      if (given.length === 1) return { diagnostics: [] };
      return { diagnostics: [{ severity: 'ERROR', summary: 'Give exactly one of id or name', detail: 'data "slotplane_cluster" finds one cluster, by id or by name.' }] };
    },

    UpgradeResourceState: async (req: { raw_state?: { json?: Buffer } }) => {
      // One schema version so far: the JSON state is reshaped to the current attributes.
      const raw = req.raw_state?.json && req.raw_state.json.length > 0 ? (JSON.parse(req.raw_state.json.toString('utf8')) as unknown) : null;
      return { upgraded_state: dynamicValue(clusterType, raw), diagnostics: [] };
    },

    ConfigureProvider: async (req: { config: DV }) => {
      const config = objectOf(decodeValue(providerType, req.config)) ?? {};
      const endpoint = (typeof config.endpoint === 'string' ? config.endpoint : undefined) ?? process.env.SLOTPLANE_API_URL;
      const apiKey = (typeof config.api_key === 'string' ? config.api_key : undefined) ?? process.env.SLOTPLANE_API_KEY;
      const diagnostics: Diagnostic[] = [];
      if (!endpoint) diagnostics.push({ severity: 'ERROR', summary: 'No Slotplane endpoint', detail: 'Set endpoint in the provider block, or SLOTPLANE_API_URL.', attribute: at('endpoint') });
      if (!apiKey) diagnostics.push({ severity: 'ERROR', summary: 'No Slotplane API key', detail: 'Set api_key in the provider block, or SLOTPLANE_API_KEY.', attribute: at('api_key') });
      if (endpoint && apiKey) {
        api = new SlotplaneApi(endpoint, apiKey, log);
        log(`talking to the Slotplane API at ${endpoint}`);
      }
      return { diagnostics };
    },

    ReadResource: async (req: { current_state: DV; private?: Buffer }) => {
      const current = objectOf(decodeValue(clusterType, req.current_state));
      if (!current || typeof current.id !== 'string') return { new_state: req.current_state, private: req.private, diagnostics: [] };
      const read = await readCluster(client(), current.id, current.redis_config ?? null);
      return { new_state: dynamicValue(clusterType, read?.state ?? null), private: read ? encodePrivate(read.priv) : req.private, diagnostics: [] };
    },

    PlanResourceChange: async (req: { prior_state: DV; proposed_new_state: DV; config?: DV; prior_private?: Buffer }) => {
      const prior = objectOf(decodeValue(clusterType, req.prior_state));
      const proposed = objectOf(decodeValue(clusterType, req.proposed_new_state));
      const config = req.config ? objectOf(decodeValue(clusterType, req.config)) : null;
      const { planned, requiresReplace } = planCluster(prior, proposed, config);
      return {
        planned_state: dynamicValue(clusterType, planned),
        requires_replace: requiresReplace.map(at),
        planned_private: req.prior_private,
        diagnostics: [],
      };
    },

    ApplyResourceChange: async (req: { prior_state: DV; planned_state: DV; planned_private?: Buffer }) => {
      const prior = objectOf(decodeValue(clusterType, req.prior_state));
      const planned = objectOf(decodeValue(clusterType, req.planned_state));
      const slotplane = client();
      if (planned === null) {
        // Destroy: gone once the delete operation succeeds.
        const accepted = prior && typeof prior.id === 'string' ? await slotplane.deleteCluster(prior.id) : null;
        if (accepted) await slotplane.waitForOperation(accepted.operation);
        return { new_state: dynamicValue(clusterType, null), diagnostics: [] };
      }
      if (prior === null) {
        const accepted = await slotplane.createCluster(createBody(planned));
        log(`cluster ${accepted.cluster.id} (${accepted.cluster.name}) created; waiting for operation ${accepted.operation.id}`);
        let failure: unknown = null;
        try {
          await slotplane.waitForOperation(accepted.operation);
        } catch (err) {
          failure = err;
        }
        // Saved even when the operation failed: Terraform then keeps it as tainted, to replace or destroy.
        const read = await readCluster(slotplane, accepted.cluster.id, planned.redis_config ?? null);
        const state = read?.state ?? clusterState(accepted.cluster, null, planned.redis_config ?? null);
        return { new_state: dynamicValue(clusterType, state), private: encodePrivate(read?.priv ?? { generation: accepted.cluster.generation }), diagnostics: failure ? diagnosticsOf(failure) : [] };
      }
      const id = String(prior.id);
      const body = patchBody(prior, planned);
      const generation = decodePrivate(req.planned_private).generation;
      if (Object.keys(body).length > 0) {
        const accepted = await slotplane.updateCluster(id, body, generation);
        if (accepted) {
          log(`cluster ${id}: ${JSON.stringify(body)}; waiting for operation ${accepted.operation.id}`);
          await slotplane.waitForOperation(accepted.operation);
        }
      }
      const read = await readCluster(slotplane, id, planned.redis_config ?? null);
      if (!read) throw new ApiError(404, 'not_found', `cluster ${id} is gone`);
      return { new_state: dynamicValue(clusterType, read.state), private: encodePrivate(read.priv), diagnostics: [] };
    },

    ImportResourceState: async (req: { id: string }) => {
      const read = await readCluster(client(), req.id, null);
      if (!read) throw new ApiError(404, 'not_found', `no cluster with id ${req.id}`);
      return { imported_resources: [{ type_name: RESOURCE, state: dynamicValue(clusterType, read.state), private: encodePrivate(read.priv) }], diagnostics: [] };
    },

    ReadDataSource: async (req: { config: DV }) => {
      const config = objectOf(decodeValue(clusterDataType, req.config)) ?? {};
      const slotplane = client();
      const found = typeof config.id === 'string' ? await slotplane.getCluster(config.id) : typeof config.name === 'string' ? await slotplane.findClusterByName(config.name) : null;
      if (!found) throw new ApiError(404, 'not_found', `no cluster with ${typeof config.id === 'string' ? `id ${config.id}` : `name ${String(config.name)}`}`);
      const read = await readCluster(slotplane, found.id, {});
      if (!read) throw new ApiError(404, 'not_found', `cluster ${found.id} is gone`);
      return { state: dynamicValue(clusterDataType, read.state), diagnostics: [] };
    },

    StopProvider: async () => {
      api?.stop();
      return { Error: '' };
    },
  };
}

export type ProviderMethods = ReturnType<typeof createProvider>;
