import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CreateWebhookBody, CreatedWebhook, Delivery, PageQuery, Webhook, WebhookIdParams, page } from '@slotplane/contracts';
import { newWebhookSecret, parseNetworkPolicy, resolveTarget, TargetRefused } from '@slotplane/webhooks';
import type { ApiDeps } from '../app.ts';
import { AppError, problems } from '../errors.ts';
import { IdempotencyHeader, idempotency, send } from '../idempotency.ts';
import { decodeCursor, toPage } from '../pagination.ts';
import { DEFAULT_LIMITS, enforceCap } from '../store/tenants.ts';
import { countWebhooks, deleteWebhook, getWebhook, insertWebhook, listDeliveries, listWebhooks } from '../store/webhooks.ts';
import { deliveryView, webhookView } from '../views.ts';

const tags = ['webhooks'];
const security = [{ bearerAuth: [] }];
export const webhookRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, { database, secrets, webhookNetworks = parseNetworkPolicy('public'), limits = DEFAULT_LIMITS }) => {
  const db = database.db;
  const idempotent = idempotency(db, secrets);

  app.post(
    '/v1/webhooks',
    {
      schema: {
        tags, security, operationId: 'createWebhook',
        summary: 'Have events POSTed to a URL, signed; the signing secret is in this response only',
        description:
          'Every event written after this call that the key may read (the tenant\'s; with an admin key every tenant\'s and the hosts\') and that `types` lets through is POSTed as the event JSON of GET /v1/events, with `Slotplane-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>` and an `Idempotency-Key` that stays the same across retries. Any answer but a 2xx is retried with exponential backoff (10 s doubling, at most an hour apart) for about 12 hours. Deliveries are not ordered: order by GET /v1/events. The URL must resolve only to networks the operator allows (public addresses by default), checked again at every attempt. A tenant has at most WEBHOOKS_PER_TENANT webhooks (default 10; 403 quota_exceeded).',
        headers: IdempotencyHeader,
        body: CreateWebhookBody,
        response: { 201: CreatedWebhook, ...problems('validation_failed', 'unauthorized', 'quota_exceeded', 'idempotency_key_reused') },
      },
    },
    async (request, reply) => {
      try {
        await resolveTarget(webhookNetworks, request.body.url);
      } catch (err) {
        if (!(err instanceof TargetRefused)) throw err;
        throw new AppError('validation_failed', `body.url: ${err.message}`, [{ field: 'body.url', message: err.message }]);
      }
      return send(reply, await idempotent(request, async (tx) => {
        await enforceCap(tx, request.principal.tenantId, 'webhooks', limits.webhooksPerTenant, countWebhooks(request.principal.tenantId));
        const secret = newWebhookSecret();
        const row = await insertWebhook(tx, secrets, request.principal, request.body, secret);
        return { status: 201, headers: { location: `/v1/webhooks/${row.id}` }, body: { ...webhookView(row), secret } };
      }));
    },
  );

  app.get(
    '/v1/webhooks',
    {
      schema: {
        tags, security, operationId: 'listWebhooks', summary: 'List your webhooks, oldest first (secrets are not shown again)',
        querystring: PageQuery,
        response: { 200: page(Webhook).meta({ id: 'WebhookPage' }), ...problems('validation_failed', 'unauthorized') },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      return toPage(await listWebhooks(db, request.principal.tenantId, limit, decodeCursor(cursor)), limit, webhookView);
    },
  );

  app.get(
    '/v1/webhooks/:webhookId',
    {
      schema: {
        tags, security, operationId: 'getWebhook', summary: 'Get a webhook',
        params: WebhookIdParams,
        response: { 200: Webhook, ...problems('validation_failed', 'unauthorized', 'not_found') },
      },
    },
    async (request) => webhookView(await getWebhook(db, request.principal.tenantId, request.params.webhookId)),
  );

  app.delete(
    '/v1/webhooks/:webhookId',
    {
      schema: {
        tags, security, operationId: 'deleteWebhook', summary: 'Delete a webhook and its delivery log; nothing more is sent to it',
        params: WebhookIdParams,
        headers: IdempotencyHeader,
        response: { 204: z.null().describe('Deleted.'), ...problems('validation_failed', 'unauthorized', 'not_found', 'idempotency_key_reused') },
      },
    },
    async (request, reply) =>
      send(reply, await idempotent(request, async (tx) => {
        await deleteWebhook(tx, request.principal.tenantId, request.params.webhookId);
        return { status: 204, body: null };
      })),
  );

  app.get(
    '/v1/webhooks/:webhookId/deliveries',
    {
      schema: {
        tags, security, operationId: 'listWebhookDeliveries', summary: "A webhook's deliveries, newest first: status, attempts, last response code",
        params: WebhookIdParams,
        querystring: PageQuery,
        response: { 200: page(Delivery).meta({ id: 'DeliveryPage' }), ...problems('validation_failed', 'unauthorized', 'not_found') },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const hook = await getWebhook(db, request.principal.tenantId, request.params.webhookId);
      const rows = await listDeliveries(db, hook.id, limit, decodeCursor(cursor));
      return toPage(rows, limit, deliveryView);
    },
  );
};
