import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { agentOpenApiPath, openApiDocuments, openApiPath } from './openapi.ts';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
const docs = openApiDocuments();
const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, codes: Object.keys(op.responses) })));

describe.each([
  { name: 'tenant', file: openApiPath, pick: (d: Awaited<typeof docs>) => d.tenant },
  { name: 'agent', file: agentOpenApiPath, pick: (d: Awaited<typeof docs>) => d.agent },
])('the $name OpenAPI document', ({ file, pick }) => {
  it(`matches the committed ${file.split('/').slice(-3).join('/')} (run \`pnpm openapi\` after changing a route)`, async () => {
    expect(pick(await docs)).toBe(readFileSync(file, 'utf8'));
  });

  it('is a valid OpenAPI 3 document', async () => {
    const result = await new Validator().validate(JSON.parse(pick(await docs)));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('gives every /v1 route its error responses', async () => {
    for (const op of operations(JSON.parse(pick(await docs))).filter((o) => o.route.includes('/v1/'))) expect(op.codes, op.route).toEqual(expect.arrayContaining(['401', '500']));
  });

});

describe('the two documents', () => {
  it('the tenant document lists scope refusals and rate limits on every /v1 route', async () => {
    for (const op of operations(JSON.parse((await docs).tenant)).filter((o) => o.route.includes('/v1/'))) expect(op.codes, op.route).toEqual(expect.arrayContaining(['403', '429']));
  });

  it('split the routes: the tenant document has no agent route, the agent document only those', async () => {
    const { tenant, agent } = await docs;
    expect(operations(JSON.parse(tenant)).map((o) => o.route).sort()).toEqual(
      [
        'DELETE /v1/clusters/{clusterId}',
        'GET /healthz',
        'GET /readyz',
        'GET /v1/clusters',
        'GET /v1/clusters/{clusterId}',
        'GET /v1/clusters/{clusterId}/operations',
        'GET /v1/operations/{operationId}',
        'PATCH /v1/clusters/{clusterId}',
        'GET /v1/clusters/{clusterId}/credentials',
        'GET /v1/hosts',
        'POST /v1/hosts/{hostId}/revoke',
        'POST /v1/hosts/{hostId}/rotate-credential',
        'GET /v1/events',
        'GET /v1/events/stream',
        'GET /metrics',
        'POST /v1/webhooks',
        'GET /v1/webhooks',
        'GET /v1/webhooks/{webhookId}',
        'DELETE /v1/webhooks/{webhookId}',
        'GET /v1/webhooks/{webhookId}/deliveries',
        'POST /v1/clusters/{clusterId}/rebalance',
        'POST /v1/clusters/{clusterId}/credentials/rotate',
        'POST /v1/clusters/{clusterId}/shards/{index}/switchover',
        'GET /v1/clusters/{clusterId}/skew',
        'POST /v1/clusters/{clusterId}/data-loss/{lossId}/acknowledge',
        'POST /v1/clusters',
        'POST /v1/tenants',
        'GET /v1/tenants',
        'GET /v1/tenants/{tenantId}',
        'PATCH /v1/tenants/{tenantId}',
        'POST /v1/api-keys',
        'GET /v1/api-keys',
        'GET /v1/api-keys/{keyId}',
        'DELETE /v1/api-keys/{keyId}',
      ].sort(),
    );
    expect(operations(JSON.parse(agent)).map((o) => o.route).sort()).toEqual(
      ['POST /v1/agent/enroll', 'GET /v1/agent/assignments', 'PUT /v1/agent/report', 'POST /v1/agent/heartbeat'].sort(),
    );
    // Nor do the agents' types leak into the tenants' schemas (SDKs would generate them).
    expect(Object.keys(JSON.parse(tenant).components.schemas).filter((n) => /^(Agent|Enroll|Heartbeat|NodePasswords)/.test(n))).toEqual([]);
  });
});
