import createFetchClient from 'openapi-fetch';
import { SlotplaneError, errorOf } from './errors.ts';
import { streamEvents, type StreamOptions } from './events.ts';
import { waitForOperation, type WaitOptions } from './operations.ts';
import { paginate, type PageOptions } from './pages.ts';
import type { components, operations, paths } from './schema.ts';
import { transport, type TransportOptions } from './transport.ts';

type Schemas = components['schemas'];
export type Cluster = Schemas['Cluster'];
export type Operation = Schemas['Operation'];
export type DataLoss = Schemas['DataLoss'];
export type AcceptedOperation = Schemas['AcceptedOperation'];
export type CreateClusterRequest = Schemas['CreateClusterRequest'];
export type UpdateClusterRequest = Schemas['UpdateClusterRequest'];
export type ClusterCredentials = Schemas['ClusterCredentials'];
export type RebalanceRequest = Schemas['RebalanceRequest'];
export type SwitchoverRequest = Schemas['SwitchoverRequest'];
export type EventFilter = Omit<NonNullable<operations['listEvents']['parameters']['query']>, 'cursor'>;

export interface ClientOptions extends TransportOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** An API key (sp_...). */
  apiKey: string;
}

/** Per call: an Idempotency-Key of your own (else a random one), an ETag for If-Match, a signal. */
export interface WriteOptions {
  idempotencyKey?: string;
  ifMatch?: string;
  signal?: AbortSignal;
}

/**
 * The data of an answer as its schema's type (openapi-fetch widens tuples, e.g. slot ranges), or
 * its problem thrown as a SlotplaneError.
 */
async function ok<T>(call: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw error === undefined ? await errorOf(response) : new SlotplaneError(response.status, error);
  return data as T;
}

const writeHeaders = (o: WriteOptions = {}) => ({
  ...(o.idempotencyKey ? { 'idempotency-key': o.idempotencyKey } : {}),
  ...(o.ifMatch ? { 'if-match': o.ifMatch } : {}),
});

/**
 * A client of the Slotplane API. Every write carries an Idempotency-Key (a random UUID unless given),
 * 429 and 503 are retried after their Retry-After (bounded), and every error is a SlotplaneError.
 * `raw` is the typed openapi-fetch client for whatever the helpers do not cover.
 */
export function createClient(options: ClientOptions) {
  const send = transport(options);
  const auth = { authorization: `Bearer ${options.apiKey}` };
  const raw = createFetchClient<paths>({ baseUrl: options.baseUrl, headers: auth, fetch: (request) => send(request) });

  const operationsApi = {
    get: (operationId: string) => ok<Operation>(raw.GET('/v1/operations/{operationId}', { params: { path: { operationId } } })),
    /** Polls until the operation succeeds, fails or is cancelled, and returns it as it ended. */
    wait: (operationId: string, opts?: WaitOptions) => waitForOperation((id) => operationsApi.get(id), operationId, opts),
  };

  const clusters = {
    /** 202: the cluster as asked for and the operation that builds it. */
    create: (body: CreateClusterRequest, o?: WriteOptions) =>
      ok<AcceptedOperation>(raw.POST('/v1/clusters', { body, headers: writeHeaders(o), ...(o?.signal ? { signal: o.signal } : {}) })),
    /**
     * Every cluster, page after page: `for await (const c of sdk.clusters.list())`. Your tenant's; with
     * an admin key every tenant's, or one tenant's with `tenantId`.
     */
    list: (o: PageOptions & { tenantId?: string; name?: string } = {}) => paginate((cursor) => clusters.page({ ...o, cursor })),
    /** One page of `list`, and the cursor of the next. */
    page: (o: PageOptions & { tenantId?: string; name?: string; cursor?: string } = {}) =>
      ok<Schemas['ClusterPage']>(
        raw.GET('/v1/clusters', {
          params: { query: { ...(o.limit ? { limit: o.limit } : {}), ...(o.tenantId ? { tenantId: o.tenantId } : {}), ...(o.name ? { name: o.name } : {}), ...(o.cursor ? { cursor: o.cursor } : {}) } },
        }),
      ),
    get: (clusterId: string) => ok<Cluster>(raw.GET('/v1/clusters/{clusterId}', { params: { path: { clusterId } } })),
    /**
     * The cluster of that name, or undefined. Names are unique per tenant only: with an admin key
     * (which lists every tenant's clusters) give `tenantId`, or a name two tenants use throws.
     */
    findByName: async (name: string, o: { tenantId?: string } = {}): Promise<Cluster | undefined> => {
      if (!name) return undefined;
      const named: Cluster[] = [];
      for await (const c of clusters.list({ limit: 100, name, ...o })) named.push(c);
      // Names are unique within a tenant; an admin key sees every tenant's clusters.
      if (named.length > 1) throw new Error(`${named.length} clusters are named "${name}" (tenants ${named.map((c) => c.tenantId).join(', ')}): give the cluster's id, or its tenant`);
      return named[0];
    },
    /** 202 with the operation that applies the change; a change that changes nothing answers the cluster alone (200). */
    update: async (clusterId: string, body: UpdateClusterRequest, o?: WriteOptions): Promise<{ cluster: Cluster; operation: Operation | null }> => {
      const data = await ok<Cluster | AcceptedOperation>(raw.PATCH('/v1/clusters/{clusterId}', { params: { path: { clusterId } }, body, headers: writeHeaders(o) }));
      return 'operation' in data ? data : { cluster: data, operation: null };
    },
    delete: (clusterId: string, o?: WriteOptions) => ok<AcceptedOperation>(raw.DELETE('/v1/clusters/{clusterId}', { params: { path: { clusterId } }, headers: writeHeaders(o) })),
    credentials: (clusterId: string) => ok<ClusterCredentials>(raw.GET('/v1/clusters/{clusterId}/credentials', { params: { path: { clusterId } } })),
    rebalance: (clusterId: string, body: RebalanceRequest = {}, o?: WriteOptions) =>
      ok<AcceptedOperation>(raw.POST('/v1/clusters/{clusterId}/rebalance', { params: { path: { clusterId } }, body, headers: writeHeaders(o) })),
    switchover: (clusterId: string, shard: number, body: SwitchoverRequest = {}, o?: WriteOptions) =>
      ok<AcceptedOperation>(raw.POST('/v1/clusters/{clusterId}/shards/{index}/switchover', { params: { path: { clusterId, index: shard } }, body, headers: writeHeaders(o) })),
    rotatePassword: (clusterId: string, body: Schemas['RotatePasswordRequest'] = {}, o?: WriteOptions) =>
      ok<AcceptedOperation>(raw.POST('/v1/clusters/{clusterId}/credentials/rotate', { params: { path: { clusterId } }, body, headers: writeHeaders(o) })),
    /** Takes one loss off the cluster's `dataLoss` (the user knows); again for one acknowledged already: the same answer. */
    acknowledgeDataLoss: (clusterId: string, lossId: string, o?: WriteOptions) =>
      ok<Cluster>(raw.POST('/v1/clusters/{clusterId}/data-loss/{lossId}/acknowledge', { params: { path: { clusterId, lossId } }, headers: writeHeaders(o) })),
    skew: (clusterId: string) => ok<Schemas['ClusterSkew']>(raw.GET('/v1/clusters/{clusterId}/skew', { params: { path: { clusterId } } })),
    /** The cluster's operations, oldest first, page after page. */
    operations: (clusterId: string, o: PageOptions = {}) => paginate((cursor) => clusters.operationsPage(clusterId, { ...o, cursor })),
    operationsPage: (clusterId: string, o: PageOptions & { cursor?: string } = {}) =>
      ok<Schemas['OperationPage']>(raw.GET('/v1/clusters/{clusterId}/operations', { params: { path: { clusterId }, query: { ...(o.limit ? { limit: o.limit } : {}), ...(o.cursor ? { cursor: o.cursor } : {}) } } })),
  };

  /** Admin keys only. */
  const tenants = {
    list: (o: PageOptions = {}) => paginate((cursor) => tenants.page({ ...o, cursor })),
    page: (o: PageOptions & { cursor?: string } = {}) =>
      ok<Schemas['TenantPage']>(raw.GET('/v1/tenants', { params: { query: { ...(o.limit ? { limit: o.limit } : {}), ...(o.cursor ? { cursor: o.cursor } : {}) } } })),
    get: (tenantId: string) => ok<Schemas['Tenant']>(raw.GET('/v1/tenants/{tenantId}', { params: { path: { tenantId } } })),
  };

  /** The fleet's hosts, their state and nodes (admin keys only). */
  const hosts = {
    list: () => ok<Schemas['HostList']>(raw.GET('/v1/hosts')),
  };

  const events = {
    /** One page of the log after `cursor`, and the cursor to read on from. */
    page: (filter: EventFilter & { cursor?: string } = {}) => ok<Schemas['EventPage']>(raw.GET('/v1/events', { params: { query: filter } })),
    /** The log live over Server-Sent Events, resumed after the last event seen when the connection drops. */
    stream: (opts: StreamOptions = {}) => streamEvents(send, options.baseUrl, auth, opts),
  };

  return { raw, clusters, tenants, hosts, operations: operationsApi, events, waitForOperation: operationsApi.wait };
}

export type SlotplaneClient = ReturnType<typeof createClient>;
