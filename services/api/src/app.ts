import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Database } from '@slotplane/db';
import type { Logger } from '@slotplane/logger';
import type { Queue } from '@slotplane/queue';
import type { Keyring } from '@slotplane/secrets';
import type { NetworkPolicy } from '@slotplane/webhooks';
import { authenticate } from './auth.ts';
import { clientErrorHandler, installErrorHandling } from './errors.ts';
import { tidyOpenApi } from './openapi-tidy.ts';
import { agentRoutes } from './routes/agent.ts';
import { balanceRoutes } from './routes/balance.ts';
import { clusterRoutes } from './routes/clusters.ts';
import { eventRoutes } from './routes/events.ts';
import { installMetrics, metricsRoutes } from './routes/metrics.ts';
import { hostRoutes } from './routes/hosts.ts';
import { healthRoutes } from './routes/health.ts';
import { operationRoutes } from './routes/operations.ts';
import { queueBoard } from './routes/queue-board.ts';
import { webhookRoutes } from './routes/webhooks.ts';

export interface ApiDeps {
  database: Database;
  /** Asks for a reconcile pass of a cluster; the BullMQ ReconcileQueue in production. */
  queue: { enqueue(clusterId: string): Promise<void>; ping(): Promise<void> };
  /** Every BullMQ queue, watched by /metrics and the /admin/queues UI (watchedQueues). */
  queues?: Queue[];
  /** Encrypts the cluster passwords and webhook secrets it writes, decrypts those it hands out. */
  secrets: Keyring;
  logger?: Logger;
  /** A host silent this long shows as lost (default HOST_LOST_AFTER_MS). */
  hostLostAfterMs?: number;
  /** false where responses are buffered (the serverless adapter): the event stream answers 501. */
  streaming?: boolean;
  /** Where webhook URLs may resolve to (default: public addresses only). */
  webhookNetworks?: NetworkPolicy;
}

export const API_VERSION = '0.1.0';

export type Api = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** Builds the API without listening: server.ts listens, lambda.ts adapts, tests inject. */
export async function buildApp(deps: ApiDeps): Promise<Api> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger as FastifyBaseLogger } : { logger: false }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 64 * 1024,
    // A client that never finishes sending its request is cut off (408) instead of holding a
    // socket: Node checks pending requests every second, not every 30 s (its default).
    serverFactory: (handler) => createServer({ requestTimeout: 10_000, connectionsCheckingInterval: 1000 }, handler),
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  // A DELETE sent with "Content-Type: application/json" and no body is common (curl, SDKs); accept it.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) =>
    body === '' ? done(null, undefined) : json(req, body as string, done),
  );
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const registry = installMetrics(app, deps);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Slotplane API',
        version: API_VERSION,
        description: 'Managed Redis Cluster: ask for a topology, Slotplane builds it and keeps it so.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key from `pnpm slotplane tenant create`.' } } },
      tags: [
        { name: 'clusters', description: 'Desired topologies and what was observed of them' },
        { name: 'operations', description: 'Durable records of requested changes' },
        { name: 'events', description: 'The event log: poll it, stream it' },
        { name: 'webhooks', description: 'Events pushed to your URL, signed' },
        { name: 'hosts', description: 'The machines that run nodes (admin)' },
        { name: 'agents', description: 'What host agents call: enroll, assignments, reports' },
        { name: 'health', description: 'Liveness and readiness' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: tidyOpenApi,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, deps);
  await app.register(async (v1) => {
    v1.decorateRequest('principal', null as never);
    v1.addHook('onRequest', async (request) => {
      request.principal = await authenticate(deps.database.db, request);
    });
    await v1.register(clusterRoutes, deps);
    await v1.register(balanceRoutes, deps);
    await v1.register(operationRoutes, deps);
    await v1.register(hostRoutes, deps);
    await v1.register(eventRoutes, { ...deps, registry });
    await v1.register(webhookRoutes, deps);
    await v1.register(metricsRoutes, { ...deps, registry });
  }, deps);
  if (deps.queues?.length) await app.register(queueBoard, deps);
  // Agents authenticate with host credentials, not tenant keys.
  await app.register(agentRoutes, deps);
  return app;
}
