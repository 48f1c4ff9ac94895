import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, tenantClient, type ApiHarness } from '@slotplane/testkit';
import { createProvider } from './provider.ts';
import { clusterDataType, clusterType, providerType } from './schema.ts';
import { UNKNOWN, decodeValue, dynamicValue } from './values.ts';

// The provider's methods against the real API, without Terraform and without agents: clusters
// are created but their operations never finish, which is all these behaviours need.
let h: ApiHarness;
let provider: ReturnType<typeof createProvider>;
let call: ReturnType<typeof tenantClient>['call'];
let clusterId: string;

beforeAll(async () => {
  h = await startApiHarness();
  const baseUrl = await h.app.listen({ host: '127.0.0.1', port: 0 });
  const tenant = await h.tenant();
  ({ call } = tenantClient(h.app, tenant.auth));
  provider = createProvider(() => undefined);
  const configured = await provider.ConfigureProvider({ config: dynamicValue(providerType, { endpoint: baseUrl, api_key: tenant.auth.authorization.replace(/^Bearer /, '') }) });
  expect(configured.diagnostics).toEqual([]);
  clusterId = (await call('POST', '/v1/clusters', { name: 'imported', shards: 2, replicasPerShard: 1, maxMemoryMb: 128, redisConfig: { hz: 20 } })).cluster.id;
});
afterAll(() => h?.close());

describe('the provider against the API', () => {
  it('imports a cluster by id, with its spec, credentials and generation', async () => {
    const res = await provider.ImportResourceState({ id: clusterId });
    const imported = res.imported_resources[0]!;
    expect(decodeValue(clusterType, imported.state)).toMatchObject({
      id: clusterId, name: 'imported', shards: 2, replicas_per_shard: 1, max_memory_mb: 128, persistence: 'none', durability: 'strict', redis_config: { hz: '20' }, status: 'creating', username: 'app',
    });
    expect(JSON.parse(imported.private.toString())).toEqual({ generation: 1 });
  });

  it('sees a change made through the API when it reads', async () => {
    const before = (await provider.ImportResourceState({ id: clusterId })).imported_resources[0]!;
    await call('PATCH', `/v1/clusters/${clusterId}`, { maxMemoryMb: 256 });
    const read = await provider.ReadResource({ current_state: before.state, private: before.private });
    expect(decodeValue(clusterType, read.new_state)).toMatchObject({ max_memory_mb: 256 });
    expect(JSON.parse(read.private!.toString())).toEqual({ generation: 2 });
  });

  it('refuses to apply a plan made from an older generation (412 from If-Match)', async () => {
    const read = (await provider.ImportResourceState({ id: clusterId })).imported_resources[0]!;
    const prior = decodeValue(clusterType, read.state) as Record<string, unknown>;
    await call('PATCH', `/v1/clusters/${clusterId}`, { replicasPerShard: 0 });
    await expect(
      provider.ApplyResourceChange({ prior_state: read.state, planned_state: dynamicValue(clusterType, { ...prior, shards: 3, status: UNKNOWN, endpoints: UNKNOWN }), planned_private: read.private }),
    ).rejects.toMatchObject({ status: 412, code: 'precondition_failed' });
  });

  it('finds a cluster by name with the data source', async () => {
    const res = await provider.ReadDataSource({ config: dynamicValue(clusterDataType, { name: 'imported' }) });
    expect(decodeValue(clusterDataType, res.state)).toMatchObject({ id: clusterId, name: 'imported', shards: 2 });
  });

  it('says which cluster it could not find', async () => {
    await expect(provider.ReadDataSource({ config: dynamicValue(clusterDataType, { name: 'nope' }) })).rejects.toThrow(/no cluster with name nope/);
  });

  it('reads a cluster it cannot see (gone, or another tenant\'s) as null, so Terraform plans to create it again', async () => {
    const other = tenantClient(h.app, (await h.tenant()).auth);
    const theirs = (await other.call('POST', '/v1/clusters', { name: 'theirs', shards: 1, replicasPerShard: 0 })).cluster.id;
    const read = (await provider.ImportResourceState({ id: clusterId })).imported_resources[0]!;
    const state = { ...(decodeValue(clusterType, read.state) as Record<string, unknown>), id: theirs };
    const res = await provider.ReadResource({ current_state: dynamicValue(clusterType, state), private: read.private });
    expect(decodeValue(clusterType, res.new_state)).toBeNull();
  });
});
