import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Host, HostCredential, HostIdParams, InstanceReport } from '@slotplane/contracts';
import { hostState } from '@slotplane/core';
import { hosts, readHostWatch, type HostRow } from '@slotplane/db';
import { z } from 'zod';
import type { ApiDeps } from '../app.ts';
import { AppError, notFound, problems } from '../errors.ts';
import { IdempotencyHeader, idempotency, send } from '../idempotency.ts';
import { revokeHost, rotateHostCredential } from '../store/hosts.ts';

const tags = ['hosts'];
const security = [{ bearerAuth: [] }];

/**
 * What a host's state is judged at: Postgres's clock (which stamps heartbeats), and since when the
 * host watch has run without a gap (silence before it went unheard: the control plane was down).
 */
interface Judged {
  now: Date;
  since: Date | null;
}

function hostView(h: HostRow, { now, since }: Judged, lostAfterMs: number | undefined): Host {
  return {
    id: h.id,
    name: h.name,
    address: h.address,
    zone: h.zone,
    rack: h.rack,
    portMin: h.portMin,
    portMax: h.portMax,
    lastHeartbeatAt: h.lastHeartbeatAt?.toISOString() ?? null,
    revokedAt: h.revokedAt?.toISOString() ?? null,
    state: hostState(h, now, lostAfterMs, since),
    disk: h.diskFreeBytes === null || h.diskTotalBytes === null ? null : { freeBytes: h.diskFreeBytes, totalBytes: h.diskTotalBytes },
    instances: z.array(InstanceReport).catch([]).parse(h.report ?? []),
  };
}

export const hostRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, { database, secrets, hostLostAfterMs }) => {
  const idempotent = idempotency(database.db, secrets);
  app.get(
    '/v1/hosts',
    {
      config: { scope: 'admin' },
      schema: {
        tags, security, operationId: 'listHosts', summary: 'Hosts, their last heartbeat, state and instances (admin)',
        response: { 200: z.object({ items: z.array(Host) }).meta({ id: 'HostList' }), ...problems('unauthorized', 'forbidden') },
      },
    },
    async () => {
      const [rows, { now, watch }] = await Promise.all([database.db.select().from(hosts).orderBy(hosts.name), readHostWatch(database.db)]);
      return { items: rows.map((h) => hostView(h, { now, since: watch?.since ?? null }, hostLostAfterMs)) };
    },
  );

  app.post(
    '/v1/hosts/:hostId/revoke',
    {
      config: { scope: 'admin' },
      schema: {
        tags, security, operationId: 'revokeHost',
        summary: "Revoke a host for good (admin): its credential is refused from now on, it gets no more assignments or passwords, and it counts as lost: its nodes are replaced on other hosts once they stop answering. Repeating it changes nothing.",
        params: HostIdParams,
        headers: IdempotencyHeader,
        response: { 200: Host, ...problems('validation_failed', 'unauthorized', 'forbidden', 'not_found', 'idempotency_key_reused') },
      },
    },
    async (request, reply) =>
      send(reply, await idempotent(request, async (tx) => {
        const row = await revokeHost(tx, request.params.hostId);
        if (!row) throw notFound('host');
        // (Revoked: lost, whatever the clock.)
        return { status: 200, body: hostView(row, { now: new Date(), since: null }, hostLostAfterMs) };
      })),
  );

  app.post(
    '/v1/hosts/:hostId/rotate-credential',
    {
      config: { scope: 'admin' },
      schema: {
        tags, security, operationId: 'rotateHostCredential',
        summary: "Give a host a new credential (admin), shown once; the old one is refused from now on. The agent keeps its redis-servers running while it is given the new one.",
        params: HostIdParams,
        headers: IdempotencyHeader,
        response: { 200: HostCredential, ...problems('validation_failed', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'idempotency_key_reused') },
      },
    },
    async (request, reply) => send(reply, await idempotent(request, async (tx) => ({ status: 200, body: await rotateHostCredential(tx, request.params.hostId) }))),
  );
};
