import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { Cluster, Operation } from '@slotplane/contracts';
import type { ApiDeps } from '../app.ts';
import { etagOf, send, type Reply } from '../idempotency.ts';
import type { Submitted } from '../store/clusters.ts';
import { clusterView, operationView } from '../views.ts';

export const Accepted = z.object({ cluster: Cluster, operation: Operation }).meta({ id: 'AcceptedOperation' });

/** A reply that may ask for a reconcile pass of a cluster once sent (not kept for replays). */
export type ClusterReply = Reply & { reconcile?: string };

/** 202 for a request that started an operation: Location of the operation, ETag of the cluster's new generation. */
export const acceptedReply = ({ cluster, operation }: Submitted): ClusterReply => ({
  status: 202,
  headers: { location: `/v1/operations/${operation.id}`, etag: etagOf(cluster.generation) },
  body: { cluster: clusterView(cluster), operation: operationView(operation) },
  reconcile: cluster.id,
});

/**
 * Sends a reply, after asking for a reconcile pass when it started an operation. The desired
 * state is already committed: if Redis is down the request still succeeds, and the worker's
 * sweeper finds the open operation.
 */
export function responder({ queue }: ApiDeps) {
  return async (reply: FastifyReply, r: ClusterReply) => {
    if (r.reconcile) {
      await queue.enqueue(r.reconcile).catch((err: unknown) => reply.log.warn({ err, clusterId: r.reconcile }, 'enqueue failed; the sweeper will pick the operation up'));
    }
    return send(reply, r);
  };
}
