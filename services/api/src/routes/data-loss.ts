import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Cluster, DataLossParams } from '@slotplane/contracts';
import type { ApiDeps } from '../app.ts';
import { visibleTenant } from '../auth.ts';
import { problems } from '../errors.ts';
import { IdempotencyHeader, etagOf, idempotency, send } from '../idempotency.ts';
import { acknowledgeDataLoss } from '../store/data-losses.ts';
import { presentCluster } from '../store/present.ts';

const tags = ['clusters'];
const security = [{ bearerAuth: [] }];

/** A shard's declared data loss stays on its cluster until a user says they know. */
export const dataLossRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const idempotent = idempotency(deps.database.db, deps.secrets);

  app.post(
    '/v1/clusters/:clusterId/data-loss/:lossId/acknowledge',
    {
      schema: {
        tags, security, operationId: 'acknowledgeDataLoss', summary: "Acknowledge one data loss of a cluster: it leaves the cluster's `dataLoss`",
        description:
          'One loss at a time, by its id in `dataLoss`. Answers the cluster as GET does, with a `cluster.data_loss_acknowledged` event. Acknowledging a loss already acknowledged answers the same and changes nothing. 404 names the loss when the cluster has no such loss.',
        params: DataLossParams,
        headers: IdempotencyHeader,
        response: { 200: Cluster, ...problems('validation_failed', 'unauthorized', 'not_found', 'idempotency_key_reused') },
      },
    },
    async (request, reply) =>
      send(reply, await idempotent(request, async (tx) => {
        const { clusterId, lossId } = request.params;
        const cluster = await acknowledgeDataLoss(tx, visibleTenant(request.principal), clusterId, lossId, request.principal.keyId);
        return { status: 200, headers: { etag: etagOf(cluster.generation) }, body: await presentCluster(tx, cluster) };
      })),
  );
};
