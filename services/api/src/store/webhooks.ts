import type { CreateWebhookBody } from '@slotplane/contracts';
import { and, desc, eq, eventCursor, events, gt, lt, newId, sql, webhookDeliveries, webhooks, type Db, type WebhookRow } from '@slotplane/db';
import type { Keyring } from '@slotplane/secrets';
import { notFound } from '../errors.ts';
import type { Principal } from '../auth.ts';
import { logHorizon } from './events.ts';

/** The signing secret is stored encrypted; the caller shows it to its owner once, in the clear. */
export async function insertWebhook(db: Db, secrets: Keyring, principal: Principal, body: CreateWebhookBody, secret: string): Promise<WebhookRow> {
  // It is sent what is written from now on.
  const fromPosition = await logHorizon(db);
  const [row] = await db
    .insert(webhooks)
    .values({ id: newId(), tenantId: principal.tenantId, allTenants: principal.scope === 'admin', url: body.url, types: body.types ?? null, secret: secrets.encrypt(secret), fromPosition })
    .returning();
  return row!;
}

/** How many webhooks the tenant has. */
export const countWebhooks = (tenantId: string) => async (db: Db) =>
  (await db.select({ n: sql<number>`count(*)::int` }).from(webhooks).where(eq(webhooks.tenantId, tenantId)))[0]!.n;

export async function getWebhook(db: Db, tenantId: string, webhookId: string): Promise<WebhookRow> {
  const [row] = await db.select().from(webhooks).where(and(eq(webhooks.id, webhookId), eq(webhooks.tenantId, tenantId)));
  if (!row) throw notFound('webhook');
  return row;
}

/** Oldest first, limit + 1 rows (the page helper's way of knowing there is more). */
export function listWebhooks(db: Db, tenantId: string, limit: number, after?: string): Promise<WebhookRow[]> {
  return db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.tenantId, tenantId), after ? gt(webhooks.id, after) : undefined))
    .orderBy(webhooks.id)
    .limit(limit + 1);
}

/** Deletes it and its delivery log; a delivery job still queued finds nothing to send. */
export async function deleteWebhook(db: Db, tenantId: string, webhookId: string): Promise<void> {
  const gone = await db.delete(webhooks).where(and(eq(webhooks.id, webhookId), eq(webhooks.tenantId, tenantId))).returning({ id: webhooks.id });
  if (!gone.length) throw notFound('webhook');
}

/** Newest first, limit + 1 rows, each with its event's cursor. */
export async function listDeliveries(db: Db, webhookId: string, limit: number, before?: string) {
  const rows = await db
    .select({ delivery: webhookDeliveries, position: events.position })
    .from(webhookDeliveries)
    .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.webhookId, webhookId), before ? lt(webhookDeliveries.id, before) : undefined))
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit + 1);
  return rows.map((r) => ({ ...r.delivery, eventCursor: eventCursor(Number(r.position)) }));
}
