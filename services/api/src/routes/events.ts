import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { EventPage, EventQuery } from '@slotplane/contracts';
import type { ApiDeps } from '../app.ts';
import { problems } from '../errors.ts';
import { readEvents } from '../store/events.ts';

export const eventRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, { database }) => {
  app.get(
    '/v1/events',
    {
      schema: {
        tags: ['events'], security: [{ bearerAuth: [] }], operationId: 'listEvents',
        summary: 'Read the event log from a cursor: every event exactly once, in order (an admin key sees every tenant and the hosts)',
        querystring: EventQuery,
        response: { 200: EventPage, ...problems('validation_failed', 'unauthorized') },
      },
    },
    async (request) => {
      const { role, tenantId } = request.principal;
      const { cursor, clusterId, type, limit } = request.query;
      return readEvents(database.db, { tenantId: role === 'admin' ? null : tenantId, clusterId, type }, cursor, limit);
    },
  );
};
