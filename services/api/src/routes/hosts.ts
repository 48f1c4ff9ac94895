import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Host, InstanceReport } from '@slotplane/contracts';
import { hostState } from '@slotplane/core';
import { hosts } from '@slotplane/db';
import { z } from 'zod';
import type { ApiDeps } from '../app.ts';
import { AppError, problems } from '../errors.ts';

export const hostRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, { database, hostLostAfterMs }) => {
  app.get(
    '/v1/hosts',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['hosts'], security: [{ bearerAuth: [] }], operationId: 'listHosts', summary: 'Hosts, their last heartbeat, state and instances (admin)',
        response: { 200: z.object({ items: z.array(Host) }).meta({ id: 'HostList' }), ...problems('unauthorized', 'forbidden') },
      },
    },
    async () => {
      const rows = await database.db.select().from(hosts).orderBy(hosts.name);
      const now = new Date();
      return {
        items: rows.map((h) => ({
          id: h.id,
          name: h.name,
          address: h.address,
          zone: h.zone,
          rack: h.rack,
          portMin: h.portMin,
          portMax: h.portMax,
          lastHeartbeatAt: h.lastHeartbeatAt?.toISOString() ?? null,
          state: hostState(h.lastHeartbeatAt, now, hostLostAfterMs),
          instances: z.array(InstanceReport).catch([]).parse(h.report ?? []),
        })),
      };
    },
  );
};
