import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiDocument, openApiPath } from './openapi.ts';

describe('OpenAPI document', () => {
  it('matches the committed services/api/openapi.json (run `pnpm openapi` after changing a route)', async () => {
    expect(await openApiDocument()).toBe(readFileSync(openApiPath, 'utf8'));
  });

  it('is a valid OpenAPI 3 document', async () => {
    const result = await new Validator().validate(JSON.parse(await openApiDocument()));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('covers every route with its error responses', async () => {
    const doc = JSON.parse(await openApiDocument());
    const ops = Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, codes: Object.keys(op.responses) })),
    );
    expect(ops.map((o) => o.route).sort()).toEqual(
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
        'GET /v1/events',
        'GET /v1/events/stream',
        'GET /metrics',
        'POST /v1/webhooks',
        'GET /v1/webhooks',
        'GET /v1/webhooks/{webhookId}',
        'DELETE /v1/webhooks/{webhookId}',
        'GET /v1/webhooks/{webhookId}/deliveries',
        'POST /v1/agent/enroll',
        'GET /v1/agent/assignments',
        'PUT /v1/agent/report',
        'POST /v1/agent/heartbeat',
        'POST /v1/clusters/{clusterId}/rebalance',
        'POST /v1/clusters/{clusterId}/shards/{index}/switchover',
        'GET /v1/clusters/{clusterId}/skew',
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
    for (const op of ops.filter((o) => o.route.includes('/v1/') && !o.route.includes('/v1/agent/'))) expect(op.codes, op.route).toEqual(expect.arrayContaining(['401', '403', '429', '500']));
  });
});
