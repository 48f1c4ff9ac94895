import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { Cluster, Operation } from '@slotplane/contracts';
import type { ApiDeps } from '../app.ts';
import type { Submitted } from '../store/clusters.ts';
import { clusterView, operationView } from '../views.ts';

export const Accepted = z.object({ cluster: Cluster, operation: Operation }).meta({ id: 'AcceptedOperation' });

/**
 * The reply to every request that starts an operation: 202, Location of the operation, the
 * cluster and the operation. The desired state is already committed; this asks for a
 * reconcile pass. If Redis is down the request still succeeds: the worker's sweeper finds the
 * open operation.
 */
export function acceptedHandler({ queue }: ApiDeps) {
  return async (reply: FastifyReply, submitted: Submitted, log: { warn: (o: object, m: string) => void }) => {
    const { cluster, operation } = submitted;
    try {
      await queue.enqueue(cluster.id);
    } catch (err) {
      log.warn({ err, operationId: operation.id }, 'enqueue failed; the sweeper will pick the operation up');
    }
    return reply
      .status(202)
      .header('location', `/v1/operations/${operation.id}`)
      .send({ cluster: clusterView(cluster), operation: operationView(operation) });
  };
}
