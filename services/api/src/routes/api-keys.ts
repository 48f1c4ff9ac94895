import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiKey, ApiKeyIdParams, CreateApiKeyBody, CreatedApiKey, Id, PageQuery, page } from '@slotplane/contracts';
import type { ApiDeps } from '../app.ts';
import { allows, namedTenant, visibleTenant } from '../auth.ts';
import { AppError, problems } from '../errors.ts';
import { IdempotencyHeader, idempotency, send } from '../idempotency.ts';
import { decodeCursor, toPage } from '../pagination.ts';
import { countLiveApiKeys, getApiKey, insertApiKey, listApiKeys, revokeApiKey } from '../store/api-keys.ts';
import { DEFAULT_LIMITS, enforceCap, getTenant } from '../store/tenants.ts';
import { apiKeyView } from '../views.ts';

const tags = ['api-keys'];
const security = [{ bearerAuth: [] }];

/** API keys: made, listed and revoked by their tenant's write keys (admin keys: any tenant's). */
export const apiKeyRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, { database, secrets, limits = DEFAULT_LIMITS }) => {
  const db = database.db;
  const idempotent = idempotency(db, secrets);

  app.post(
    '/v1/api-keys',
    {
      schema: {
        tags, security, operationId: 'createApiKey', summary: 'Make an API key; the key is in this response only',
        description: 'A key can make keys of its own scope or a lower one (read < write < admin). A tenant holds at most API_KEYS_PER_TENANT live keys (default 100; 403 quota_exceeded): revoke one to make another.',
        headers: IdempotencyHeader,
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKey, ...problems('validation_failed', 'not_found', 'quota_exceeded', 'idempotency_key_reused') },
      },
    },
    async (request, reply) => {
      const { scope, name, tenantId: named } = request.body;
      if (!allows(request.principal.scope, scope)) {
        throw new AppError('forbidden', `body.scope: a "${request.principal.scope}" key cannot make a "${scope}" key`, [{ field: 'body.scope', message: 'is above the scope of your key' }]);
      }
      const tenantId = namedTenant(request.principal, named, 'body.tenantId');
      return send(reply, await idempotent(request, async (tx) => {
        await getTenant(tx, tenantId);
        await enforceCap(tx, tenantId, 'apiKeys', limits.apiKeysPerTenant, countLiveApiKeys(tenantId));
        const { row, key } = await insertApiKey(tx, tenantId, scope, name ?? null);
        return { status: 201, headers: { location: `/v1/api-keys/${row.id}` }, body: { ...apiKeyView(row), key } };
      }));
    },
  );

  app.get(
    '/v1/api-keys',
    {
      config: { scope: 'write' },
      schema: {
        tags, security, operationId: 'listApiKeys', summary: 'List the API keys of your tenant, revoked ones included, oldest first (write key)',
        querystring: PageQuery.extend({ tenantId: Id.optional().describe("Admin keys only: another tenant's keys.") }),
        response: { 200: page(ApiKey).meta({ id: 'ApiKeyPage' }), ...problems('validation_failed') },
      },
    },
    async (request) => {
      const { limit, cursor, tenantId } = request.query;
      const rows = await listApiKeys(db, namedTenant(request.principal, tenantId, 'query.tenantId'), limit, decodeCursor(cursor));
      return toPage(rows, limit, apiKeyView);
    },
  );

  app.get(
    '/v1/api-keys/:keyId',
    {
      config: { scope: 'write' },
      schema: {
        tags, security, operationId: 'getApiKey', summary: 'One API key: prefix, scope, when made and last used (write key)',
        params: ApiKeyIdParams,
        response: { 200: ApiKey, ...problems('validation_failed', 'not_found') },
      },
    },
    async (request) => apiKeyView(await getApiKey(db, visibleTenant(request.principal), request.params.keyId)),
  );

  app.delete(
    '/v1/api-keys/:keyId',
    {
      schema: {
        tags, security, operationId: 'revokeApiKey', summary: 'Revoke an API key: every later request with it gets 401',
        description: 'Revoking a revoked key changes nothing and answers the same. A key can revoke keys of its own scope or a lower one, itself included.',
        params: ApiKeyIdParams,
        headers: IdempotencyHeader,
        response: { 200: ApiKey, ...problems('validation_failed', 'not_found', 'idempotency_key_reused') },
      },
    },
    async (request, reply) =>
      send(reply, await idempotent(request, async (tx) => {
        const target = await getApiKey(tx, visibleTenant(request.principal), request.params.keyId);
        if (!allows(request.principal.scope, target.role)) throw new AppError('forbidden', `a "${request.principal.scope}" key cannot revoke a "${target.role}" key`);
        return { status: 200, body: apiKeyView(await revokeApiKey(tx, target.tenantId, target.id)) };
      })),
  );
};
