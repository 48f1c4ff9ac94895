import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../app.ts';

const Health = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()).optional() }).meta({ id: 'Health' });

async function check(fn: () => Promise<void>): Promise<string> {
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref())]);
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export const healthRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, { database, queue }) => {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], operationId: 'healthz', summary: 'The process is up', response: { 200: Health } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'], operationId: 'readyz', summary: 'Postgres and Redis are reachable',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const checks = { postgres: await check(database.ping), redis: await check(() => queue.ping()) };
      const ok = Object.values(checks).every((c) => c === 'ok');
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
    },
  );
};
