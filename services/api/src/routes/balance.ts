import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ClusterIdParams, ClusterSkew, RebalanceBody, ShardParams, SwitchoverBody } from '@slotplane/contracts';
import type { ApiDeps } from '../app.ts';
import { visibleTenant } from '../auth.ts';
import { problems } from '../errors.ts';
import { measureSkew } from '../skew.ts';
import { getCluster } from '../store/clusters.ts';
import { requestRebalance, requestSwitchover } from '../store/requests.ts';
import { loadTopology } from '../store/topology.ts';
import { IdempotencyHeader, idempotency } from '../idempotency.ts';
import { Accepted, acceptedReply, responder } from './accepted.ts';

const tags = ['clusters'];
const security = [{ bearerAuth: [] }];

/** Where a cluster's slots and primaries sit: rebalance, switchover, and the skew report. */
export const balanceRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const db = deps.database.db;
  const respond = responder(deps);
  const idempotent = idempotency(db, deps.secrets);

  app.post(
    '/v1/clusters/:clusterId/rebalance',
    {
      schema: {
        tags, security, operationId: 'rebalanceCluster', summary: 'Even out slots (or bytes) over the primaries, online; progress in the operation',
        params: ClusterIdParams,
        headers: IdempotencyHeader,
        body: RebalanceBody,
        response: { 202: Accepted, ...problems('validation_failed', 'unauthorized', 'not_found', 'conflict', 'idempotency_key_reused') },
      },
    },
    async (request, reply) =>
      respond(reply, await idempotent(request, async (tx) => acceptedReply(await requestRebalance(tx, visibleTenant(request.principal), request.params.clusterId, request.body)))),
  );

  app.post(
    '/v1/clusters/:clusterId/shards/:index/switchover',
    {
      schema: {
        tags, security, operationId: 'switchoverShard', summary: 'Planned switchover: promote an in-sync replica with a coordinated CLUSTER FAILOVER (nothing lost)',
        params: ShardParams,
        headers: IdempotencyHeader,
        body: SwitchoverBody,
        response: { 202: Accepted, ...problems('validation_failed', 'unauthorized', 'not_found', 'conflict', 'idempotency_key_reused') },
      },
    },
    async (request, reply) =>
      respond(reply, await idempotent(request, async (tx) => acceptedReply(await requestSwitchover(tx, visibleTenant(request.principal), request.params.clusterId, request.params.index, request.body ?? {})))),
  );

  app.get(
    '/v1/clusters/:clusterId/skew',
    {
      schema: {
        tags, security, operationId: 'getClusterSkew', summary: 'Per shard: slots, keys, memory, ops/s and the biggest keys (bounded sampled scan), read from the nodes now',
        params: ClusterIdParams,
        response: { 200: ClusterSkew, ...problems('validation_failed', 'unauthorized', 'not_found') },
      },
    },
    async (request) => {
      const cluster = await getCluster(db, visibleTenant(request.principal), request.params.clusterId);
      return measureSkew(deps.secrets.decrypt(cluster.adminPassword), (await loadTopology(db, [cluster.id], [cluster])).get(cluster.id) ?? []);
    },
  );
};
