import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { EventType } from './events.ts';

export const CreateWebhookBody = z
  .strictObject({
    url: z.string().min(1).max(2048).describe('Where to POST events: http(s), no credentials in it, resolving only to allowed networks (public addresses unless the operator allows more).'),
    types: z
      .array(EventType)
      .min(1)
      .max(64)
      .refine((t) => new Set(t).size === t.length, 'lists a type twice')
      .optional()
      .describe('Only these event types; every type when absent.'),
  })
  .meta({ id: 'CreateWebhookBody' });
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

export const Webhook = z
  .object({
    id: Id,
    url: z.string(),
    types: z.array(EventType).nullable().describe('null: every type.'),
    scope: z.enum(['tenant', 'fleet']).describe("tenant: the events of the key's tenant; fleet (made with an admin key): every tenant's and the hosts'."),
    createdAt: Timestamp,
  })
  .meta({ id: 'Webhook' });

export const CreatedWebhook = Webhook.extend({
  secret: z.string().describe('The signing secret: shown this once. Each delivery carries `Slotplane-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`.'),
}).meta({ id: 'CreatedWebhook' });

export type Webhook = z.infer<typeof Webhook>;

export const DeliveryStatus = z.enum(['pending', 'succeeded', 'failed']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const WebhookIdParams = z.object({ webhookId: Id });

export const Delivery = z
  .object({
    id: Id.describe('Also sent as the Idempotency-Key header of every attempt.'),
    eventId: z.string().describe("The event's cursor (its id in GET /v1/events)."),
    eventType: EventType,
    status: DeliveryStatus.describe('pending: not yet answered with a 2xx (retried with exponential backoff for about 12 hours); failed: given up.'),
    attempts: z.number().int(),
    lastResponseCode: z.number().int().nullable().describe("The receiver's last HTTP status; null when it could not be reached."),
    lastError: z.string().nullable(),
    nextAttemptAt: Timestamp.nullable(),
    createdAt: Timestamp,
    deliveredAt: Timestamp.nullable(),
  })
  .meta({ id: 'Delivery' });
export type Delivery = z.infer<typeof Delivery>;
