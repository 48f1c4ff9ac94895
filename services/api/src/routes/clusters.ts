import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Cluster, ClusterIdParams, ClusterListQuery, CreateClusterBody, Credentials, PatchClusterBody, REDIS_USERS, page } from '@slotplane/contracts';
import type { ApiDeps } from '../app.ts';
import { namedTenant, visibleTenant } from '../auth.ts';
import { AppError, problems } from '../errors.ts';
import { IdempotencyHeader, IfMatchHeader, etagOf, idempotency, ifMatchGeneration } from '../idempotency.ts';
import { decodeCursor, toPage } from '../pagination.ts';
import { createCluster, deleteCluster, getCluster, listClusters, updateCluster } from '../store/clusters.ts';
import { tenantPasswordToHandOut } from '../store/credentials.ts';
import { DEFAULT_QUOTAS } from '../store/tenants.ts';
import { presentCluster, presentClusters } from '../store/present.ts';
import { loadTopology } from '../store/topology.ts';
import { Accepted, acceptedReply, responder } from './accepted.ts';

const tags = ['clusters'];
const security = [{ bearerAuth: [] }];

export const clusterRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const db = deps.database.db;
  const respond = responder(deps);
  const idempotent = idempotency(db, deps.secrets);
  const quotas = deps.quotas ?? DEFAULT_QUOTAS;

  app.post(
    '/v1/clusters',
    {
      schema: {
        tags, security, operationId: 'createCluster', summary: 'Create a cluster',
        description:
          "Counts against the owning tenant's quotas (clusters, nodes, memory): 403 `quota_exceeded` names the one it would break. The cluster is your tenant's; an admin key may name another in `tenantId` (404 if there is no such tenant; any other key naming another tenant gets 403).",
        headers: IdempotencyHeader,
        body: CreateClusterBody,
        response: { 202: Accepted, ...problems('validation_failed', 'unauthorized', 'quota_exceeded', 'not_found', 'name_taken', 'idempotency_key_reused') },
      },
    },
    async (request, reply) => {
      const tenantId = namedTenant(request.principal, request.body.tenantId, 'body.tenantId');
      return respond(reply, await idempotent(request, async (tx) => acceptedReply(await createCluster(tx, deps.secrets, tenantId, request.body, quotas))));
    },
  );

  app.get(
    '/v1/clusters',
    {
      schema: {
        tags, security, operationId: 'listClusters', summary: "List your tenant's clusters (an admin key: every tenant's), oldest first",
        querystring: ClusterListQuery,
        response: { 200: page(Cluster).meta({ id: 'ClusterPage' }), ...problems('validation_failed', 'unauthorized') },
      },
    },
    async (request) => {
      const { limit, cursor, tenantId, name } = request.query;
      const tenant = tenantId === undefined ? visibleTenant(request.principal) : namedTenant(request.principal, tenantId, 'query.tenantId');
      const rows = await listClusters(db, tenant, limit, decodeCursor(cursor), name);
      const views = await presentClusters(db, rows.slice(0, limit));
      return toPage(rows, limit, (r) => views.get(r.id)!);
    },
  );

  app.get(
    '/v1/clusters/:clusterId',
    {
      schema: {
        tags, security, operationId: 'getCluster', summary: 'Get a cluster: desired spec, status and observed topology',
        description: 'The `ETag` header is the cluster\'s generation: send it back as `If-Match` on PATCH or DELETE to change only what you read.',
        params: ClusterIdParams,
        response: { 200: Cluster, ...problems('validation_failed', 'unauthorized', 'not_found') },
      },
    },
    async (request, reply) => {
      const cluster = await getCluster(db, visibleTenant(request.principal), request.params.clusterId);
      reply.header('etag', etagOf(cluster.generation));
      return presentCluster(db, cluster);
    },
  );

  app.get(
    '/v1/clusters/:clusterId/credentials',
    {
      schema: {
        tags, security, operationId: 'getClusterCredentials', summary: 'How to connect: your Redis user, its password, and the nodes that answer (primaries first)',
        params: ClusterIdParams,
        description:
          'Sent with `Cache-Control: no-store`. 404 once the cluster is being deleted: its password is not handed out any more. During a password rotation this is the old password until the rotation succeeds (the new one works on every node), then the new one. A read key gets 403: the Redis user handed out can write (a read-only Redis user for read keys is not built yet).',
        response: { 200: Credentials, ...problems('validation_failed', 'unauthorized', 'forbidden', 'not_found') },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      // The one Redis user a tenant has writes: a read key must not be a way to it.
      if (request.principal.scope === 'read') {
        throw new AppError('forbidden', `a read key gets no Redis credentials: "${REDIS_USERS.tenant}" can write (a read-only Redis user for read keys is not built yet); use a write key`);
      }
      const cluster = await getCluster(db, visibleTenant(request.principal), request.params.clusterId);
      if (cluster.deletionRequestedAt) throw new AppError('not_found', 'the cluster is deleted (or being deleted): it has no credentials any more');
      const shards = (await loadTopology(db, [cluster.id], [cluster])).get(cluster.id) ?? [];
      const live = shards.flatMap((s) => [s.primary, ...s.replicas]).filter((n) => n !== null && n.reachable === true && n.status === 'running' && n.role !== null);
      const endpoints = [...live.filter((n) => n!.role === 'primary'), ...live.filter((n) => n!.role === 'replica')].map((n) => ({ host: n!.host, port: n!.port, role: n!.role! }));
      return { username: REDIS_USERS.tenant, password: deps.secrets.decrypt(tenantPasswordToHandOut(cluster)), endpoints };
    },
  );

  app.patch(
    '/v1/clusters/:clusterId',
    {
      schema: {
        tags, security, operationId: 'updateCluster', summary: 'Change the desired spec of a cluster; applied to the running nodes online',
        params: ClusterIdParams,
        headers: IdempotencyHeader.extend(IfMatchHeader.shape),
        body: PatchClusterBody,
        description: 'Fields left out keep their value. A body that changes nothing answers 200 with the cluster, and starts no operation. Growth counts against the quotas of the tenant that owns the cluster.',
        response: { 200: Cluster, 202: Accepted, ...problems('validation_failed', 'unauthorized', 'quota_exceeded', 'not_found', 'conflict', 'precondition_failed', 'idempotency_key_reused') },
      },
    },
    async (request, reply) => {
      const ifGeneration = ifMatchGeneration(request.headers['if-match']);
      const r = await idempotent(request, async (tx) => {
        const { cluster, operation } = await updateCluster(tx, visibleTenant(request.principal), request.params.clusterId, request.body, { quotas, ifGeneration });
        if (operation) return acceptedReply({ cluster, operation });
        return { status: 200, headers: { etag: etagOf(cluster.generation) }, body: await presentCluster(tx, cluster) };
      });
      return respond(reply, r);
    },
  );

  app.delete(
    '/v1/clusters/:clusterId',
    {
      schema: {
        tags, security, operationId: 'deleteCluster', summary: 'Delete a cluster and every node in it',
        description: 'Asking again (a retried DELETE) answers 202 with the same delete operation; it starts nothing new (an If-Match is not checked then).',
        params: ClusterIdParams,
        headers: IdempotencyHeader.extend(IfMatchHeader.shape),
        response: { 202: Accepted, ...problems('validation_failed', 'unauthorized', 'not_found', 'precondition_failed', 'idempotency_key_reused') },
      },
    },
    async (request, reply) => {
      const ifGeneration = ifMatchGeneration(request.headers['if-match']);
      return respond(reply, await idempotent(request, async (tx) => acceptedReply(await deleteCluster(tx, visibleTenant(request.principal), request.params.clusterId, ifGeneration))));
    },
  );
};
