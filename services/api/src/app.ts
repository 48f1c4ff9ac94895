import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Usage } from '@slotplane/contracts';
import type { Limits } from './store/tenants.ts';
import type { Database } from '@slotplane/db';
import type { Logger } from '@slotplane/logger';
import type { Queue } from '@slotplane/queue';
import type { Keyring } from '@slotplane/secrets';
import type { NetworkPolicy } from '@slotplane/webhooks';
import { authenticate, requireScope } from './auth.ts';
import { installRateLimit } from './rate-limit.ts';
import { checkRequestTarget, parseJsonBody } from './json-body.ts';
import { clientErrorHandler, frameworkErrors, installErrorHandling, problems } from './errors.ts';
import { registerOpenApi } from './openapi-docs.ts';
import { agentRoutes } from './routes/agent.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { tenantRoutes } from './routes/tenants.ts';
import { balanceRoutes } from './routes/balance.ts';
import { clusterRoutes } from './routes/clusters.ts';
import { consoleRoutes, type ConsoleFiles } from './routes/console.ts';
import { credentialRoutes } from './routes/credentials.ts';
import { dataLossRoutes } from './routes/data-loss.ts';
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
  /** Quotas of tenants that have none of their own (default DEFAULT_QUOTAS). */
  quotas?: Usage;
  /** Requests per minute per API key (per address without one); counted in Redis when `rateLimitRedis` is given, so every instance shares the count. */
  rateLimitPerMinute?: number;
  rateLimitRedis?: Redis;
  /** The window rateLimitPerMinute is counted over (default a minute; tests shorten it). */
  rateLimitWindowMs?: number;
  /** Where webhook URLs may resolve to (default: public addresses only). */
  webhookNetworks?: NetworkPolicy;
  /** Caps per tenant and per key (default DEFAULT_LIMITS). */
  limits?: Limits;
  /** The built admin console, served when given (the embedded start builds and passes it). */
  console?: ConsoleFiles;
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
    frameworkErrors,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  // JSON only: Fastify's own text/plain parser would hand a string to a route that wants an
  // object (a 400 about the body's shape); any other type is a 415.
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  // As bytes: the parser checks they are UTF-8 (a string would have replaced what is not).
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addHook('onRequest', async (request) => checkRequestTarget(request.url));
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const registry = installMetrics(app, deps);

  await registerOpenApi(app, API_VERSION);

  await app.register(healthRoutes, deps);
  await app.register(async (v1) => {
    v1.decorateRequest('principal', null as never);
    // Every tenant route can meet these before its handler runs: in the OpenAPI document too.
    v1.addHook('onRoute', (route) => {
      const response = route.schema?.response as Record<number, unknown> | undefined;
      if (response) route.schema!.response = { ...problems('unauthorized', 'forbidden', 'rate_limited'), ...response };
    });
    const limitRate = await installRateLimit(v1, deps.rateLimitPerMinute ?? 600, deps.rateLimitRedis, deps.rateLimitWindowMs);
    v1.addHook('onRequest', async (request, reply) => {
      // A bad key is counted against the client's address before it is refused.
      const principal = await authenticate(deps.database.db, request).catch((err: unknown) => err as Error);
      if (!(principal instanceof Error)) request.principal = principal;
      await limitRate(request, reply);
      if (principal instanceof Error) throw principal;
      const needed = request.routeOptions.config.scope ?? (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write');
      requireScope(request.principal, needed, `${request.method} ${request.routeOptions.url ?? request.url}`);
    });
    await v1.register(clusterRoutes, deps);
    await v1.register(balanceRoutes, deps);
    await v1.register(dataLossRoutes, deps);
    await v1.register(credentialRoutes, deps);
    await v1.register(operationRoutes, deps);
    await v1.register(hostRoutes, deps);
    await v1.register(eventRoutes, { ...deps, registry });
    await v1.register(webhookRoutes, deps);
    await v1.register(tenantRoutes, deps);
    await v1.register(apiKeyRoutes, deps);
    await v1.register(metricsRoutes, { ...deps, registry });
  }, deps);
  if (deps.queues?.length) await app.register(queueBoard, deps);
  if (deps.console) await app.register(consoleRoutes, deps.console);
  // Agents authenticate with host credentials, not tenant keys; their routes have a document of their own.
  await app.register(agentRoutes, deps);
  return app;
}
