import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { tidyOpenApi } from './openapi-tidy.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The agents' OpenAPI document (GET /openapi-agent.json), beside `swagger()`, the tenants'. */
    agentSwagger: FastifyInstance['swagger'];
  }
}

/** The routes host agents call, and no one else: they are documented apart from the tenant API. */
export const AGENT_ROUTE_PREFIX = '/v1/agent/';
const isAgentRoute = (url: string) => url.startsWith(AGENT_ROUTE_PREFIX);

/** The zod transform for the routes one document covers; the others are hidden from it. */
const only = (covers: (url: string) => boolean): typeof jsonSchemaTransform => (input) => (covers(input.url) ? jsonSchemaTransform(input) : { schema: { hide: true }, url: input.url });

const info = (title: string, version: string, description: string) => ({ title, version, description });

/**
 * Two OpenAPI documents from one set of routes: the tenants' (GET /openapi.json, /docs), which
 * SDKs are generated from and which must not advertise what only a host credential opens, and the
 * agents' (GET /openapi-agent.json). Each is its own @fastify/swagger instance (a decorator of its
 * own) that sees every route and keeps its share.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: info('Slotplane API', version, 'Managed Redis Cluster: ask for a topology, Slotplane builds it and keeps it so.'),
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key from `pnpm -s slotplane tenant create`.' } } },
      tags: [
        { name: 'clusters', description: 'Desired topologies and what was observed of them' },
        { name: 'operations', description: 'Durable records of requested changes' },
        { name: 'events', description: 'The event log: poll it, stream it' },
        { name: 'webhooks', description: 'Events pushed to your URL, signed' },
        { name: 'tenants', description: 'Tenants and their quotas (admin)' },
        { name: 'api-keys', description: 'Scoped, revocable API keys' },
        { name: 'hosts', description: 'The machines that run nodes (admin)' },
        { name: 'health', description: 'Liveness and readiness' },
      ],
    },
    transform: only((url) => !isAgentRoute(url)),
    transformObject: tidyOpenApi,
  });
  await app.register(swagger, {
    decorator: 'agentSwagger',
    openapi: {
      openapi: '3.1.0',
      info: info('Slotplane agent API', version, 'What host agents (slotplane-agent) call: enroll, read assignments, report, heartbeat. Not for tenants.'),
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'The host credential from enrolling; for enrolling, a one-time enrollment token from `slotplane host enroll-token`.' },
        },
      },
      tags: [{ name: 'agents', description: 'What host agents call: enroll, assignments, reports' }],
    },
    transform: only(isAgentRoute),
    transformObject: tidyOpenApi,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/openapi-agent.json', { schema: { hide: true } }, async () => app.agentSwagger());
}
