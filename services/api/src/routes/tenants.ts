import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { CreateTenantBody, PageQuery, PatchTenantBody, Tenant, TenantIdParams, page } from '@slotplane/contracts';
import type { ApiDeps } from '../app.ts';
import { visibleTenant } from '../auth.ts';
import { notFound, problems } from '../errors.ts';
import { IdempotencyHeader, idempotency, send } from '../idempotency.ts';
import { decodeCursor, toPage } from '../pagination.ts';
import { DEFAULT_QUOTAS, getTenant, insertTenant, limitsOf, listTenants, updateTenant, usageOf } from '../store/tenants.ts';
import { tenantView } from '../views.ts';

const tags = ['tenants'];
const security = [{ bearerAuth: [] }];

/** Tenants and their quotas: managed with an admin key; a tenant reads its own. */
export const tenantRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const db = deps.database.db;
  const defaults = deps.quotas ?? DEFAULT_QUOTAS;
  const idempotent = idempotency(db, deps.secrets);
  const view = async (tenantIds: string[], rows: Awaited<ReturnType<typeof getTenant>>[]) => {
    const usage = await usageOf(db, tenantIds);
    return rows.map((t) => tenantView(t, limitsOf(t, defaults), usage.get(t.id)!));
  };

  app.post(
    '/v1/tenants',
    {
      config: { scope: 'admin' },
      schema: {
        tags, security, operationId: 'createTenant', summary: 'Create a tenant (admin); give it keys with POST /v1/api-keys and its tenantId',
        headers: IdempotencyHeader,
        body: CreateTenantBody,
        response: { 201: Tenant, ...problems('validation_failed', 'name_taken', 'idempotency_key_reused') },
      },
    },
    async (request, reply) =>
      send(reply, await idempotent(request, async (tx) => {
        const row = await insertTenant(tx, request.body);
        return { status: 201, headers: { location: `/v1/tenants/${row.id}` }, body: tenantView(row, limitsOf(row, defaults), { clusters: 0, nodes: 0, memoryMb: 0 }) };
      })),
  );

  app.get(
    '/v1/tenants',
    {
      config: { scope: 'admin' },
      schema: {
        tags, security, operationId: 'listTenants', summary: 'List tenants with their quotas and usage, oldest first (admin)',
        querystring: PageQuery,
        response: { 200: page(Tenant).meta({ id: 'TenantPage' }), ...problems('validation_failed') },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await listTenants(db, limit, decodeCursor(cursor));
      const views = new Map((await view(rows.slice(0, limit).map((r) => r.id), rows.slice(0, limit))).map((v) => [v.id, v]));
      return toPage(rows, limit, (r) => views.get(r.id)!);
    },
  );

  app.get(
    '/v1/tenants/:tenantId',
    {
      schema: {
        tags, security, operationId: 'getTenant', summary: 'A tenant, its quotas and what it uses (your own with any key; any with an admin key)',
        params: TenantIdParams,
        response: { 200: Tenant, ...problems('validation_failed', 'not_found') },
      },
    },
    async (request) => {
      const { tenantId } = request.params;
      const visible = visibleTenant(request.principal);
      if (visible !== null && visible !== tenantId) throw notFound('tenant');
      return (await view([tenantId], [await getTenant(db, tenantId)]))[0]!;
    },
  );

  app.patch(
    '/v1/tenants/:tenantId',
    {
      config: { scope: 'admin' },
      schema: {
        tags, security, operationId: 'updateTenant', summary: "Change a tenant's quotas (admin); null goes back to the default",
        description: 'Lowering a quota below what the tenant uses removes nothing: the tenant cannot grow until it is under it again.',
        params: TenantIdParams,
        headers: IdempotencyHeader,
        body: PatchTenantBody,
        response: { 200: Tenant, ...problems('validation_failed', 'not_found', 'idempotency_key_reused') },
      },
    },
    async (request, reply) =>
      send(reply, await idempotent(request, async (tx) => {
        const row = await updateTenant(tx, request.params.tenantId, request.body);
        return { status: 200, body: (await view([row.id], [row]))[0] };
      })),
  );
};
