import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ClusterIdParams, Operation, OperationIdParams, PageQuery, page } from '@slotplane/contracts';
import type { ApiDeps } from '../app.ts';
import { visibleTenant } from '../auth.ts';
import { problems } from '../errors.ts';
import { decodeCursor, toPage } from '../pagination.ts';
import { getCluster } from '../store/clusters.ts';
import { getOperation, listClusterOperations, moveProgress } from '../store/operations.ts';
import { operationView } from '../views.ts';

const tags = ['operations'];
const security = [{ bearerAuth: [] }];

export const operationRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, { database }) => {
  const db = database.db;

  app.get(
    '/v1/operations/:operationId',
    {
      schema: {
        tags, security, operationId: 'getOperation', summary: 'Get an operation: status, progress, error',
        params: OperationIdParams,
        response: { 200: Operation, ...problems('validation_failed', 'unauthorized', 'not_found') },
      },
    },
    async (request) => {
      const op = await getOperation(db, visibleTenant(request.principal), request.params.operationId);
      return operationView(op, (await moveProgress(db, [op.id])).get(op.id) ?? null);
    },
  );

  app.get(
    '/v1/clusters/:clusterId/operations',
    {
      schema: {
        tags, security, operationId: 'listClusterOperations', summary: "List a cluster's operations, oldest first",
        params: ClusterIdParams,
        querystring: PageQuery,
        response: { 200: page(Operation).meta({ id: 'OperationPage' }), ...problems('validation_failed', 'unauthorized', 'not_found') },
      },
    },
    async (request) => {
      const tenantId = visibleTenant(request.principal);
      const { limit, cursor } = request.query;
      await getCluster(db, tenantId, request.params.clusterId);
      const rows = await listClusterOperations(db, tenantId, request.params.clusterId, limit, decodeCursor(cursor));
      const moves = await moveProgress(db, rows.slice(0, limit).map((r) => r.id));
      return toPage(rows, limit, (r) => operationView(r, moves.get(r.id) ?? null));
    },
  );
};
