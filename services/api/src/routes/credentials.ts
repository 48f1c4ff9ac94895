import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ClusterIdParams, REDIS_USERS, RotatePasswordBody } from '@slotplane/contracts';
import type { ApiDeps } from '../app.ts';
import { visibleTenant } from '../auth.ts';
import { problems } from '../errors.ts';
import { IdempotencyHeader, idempotency } from '../idempotency.ts';
import { requestPasswordRotation } from '../store/credentials.ts';
import { Accepted, acceptedReply, responder } from './accepted.ts';

const tags = ['clusters'];
const security = [{ bearerAuth: [] }];

/** The tenant's Redis password: rotation (reading it is GET /v1/clusters/{id}/credentials). */
export const credentialRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const db = deps.database.db;
  const respond = responder(deps);
  const idempotent = idempotency(db, deps.secrets);

  app.post(
    '/v1/clusters/:clusterId/credentials/rotate',
    {
      schema: {
        tags, security, operationId: 'rotateClusterPassword', summary: `A new password for your Redis user "${REDIS_USERS.tenant}", online; the old one keeps working for a grace period`,
        description: [
          'Starts a rotate_password operation. It succeeds once every node accepts the new password (set live: nothing restarts, connected clients stay connected).',
          'Until then GET /credentials still answers the old password; from then on the new one. The old one keeps working for `graceSeconds` after the operation succeeds, then every node refuses it (connections already logged in with it stay open).',
          '409 while the cluster is being created or deleted, while another rotation runs, or while a previous password\'s grace period runs.',
        ].join(' '),
        params: ClusterIdParams,
        headers: IdempotencyHeader,
        // No body at all is the defaults (Fastify hands a missing body over as null).
        body: RotatePasswordBody.nullable(),
        response: { 202: Accepted, ...problems('validation_failed', 'unauthorized', 'not_found', 'conflict', 'idempotency_key_reused') },
      },
    },
    async (request, reply) =>
      respond(
        reply,
        await idempotent(request, async (tx) =>
          acceptedReply(await requestPasswordRotation(tx, deps.secrets, visibleTenant(request.principal), request.params.clusterId, request.body ?? RotatePasswordBody.parse({}))),
        ),
      ),
  );
};
