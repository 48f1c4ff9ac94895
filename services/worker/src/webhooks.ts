import { and, eq, events, newId, sequenceEvents, sql, toEvent, webhookDeliveries, webhookDispatch, webhooks, type Db, type EventRow } from '@slotplane/db';
import { DeliverLater, WEBHOOK_CONCURRENCY, webhookBackoff, type WebhookQueue, type WebhookRetry } from '@slotplane/queue';
import type { Keyring } from '@slotplane/secrets';
import { post, resolveTarget, sign, TargetRefused, TargetUnresolved, type NetworkPolicy } from '@slotplane/webhooks';

/** Events turned into deliveries per round. */
const BATCH = 1000;

/**
 * Turns new events into deliveries: every event after the dispatcher's position, for every
 * webhook that wants it, one delivery row (unique per webhook and event), then one job each.
 * One worker at a time (the position row is locked; the others skip). A worker that dies between
 * the commit and the jobs leaves pending deliveries without a job: `requeueStranded` finds them.
 * True when it read a full batch (there may be more: call again).
 */
export async function dispatchOnce(db: Db, queue: WebhookQueue): Promise<boolean> {
  // No webhook, nothing to do (one made later starts after the log's end anyway).
  if (!(await db.select({ id: webhooks.id }).from(webhooks).limit(1)).length) return false;
  await sequenceEvents(db);
  const { read, created } = await db.transaction(async (tx) => {
    const [cursor] = await tx.select().from(webhookDispatch).where(eq(webhookDispatch.id, 1)).for('update', { skipLocked: true });
    if (!cursor) return { read: 0, created: [] as string[] };
    const hooks = await tx.select({ id: webhooks.id, tenantId: webhooks.tenantId, allTenants: webhooks.allTenants, types: webhooks.types, fromPosition: webhooks.fromPosition }).from(webhooks);
    if (!hooks.length) return { read: 0, created: [] as string[] };
    // Webhooks get what was written after they were made: nothing before the oldest one matters.
    const after = Math.max(cursor.position, Math.min(...hooks.map((h) => h.fromPosition)));
    const page = await tx
      .select({ id: events.id, position: events.position, tenantId: events.tenantId, type: events.type })
      .from(events)
      .where(sql`${events.position} > ${after}`)
      .orderBy(events.position)
      .limit(BATCH);
    const rows = page.flatMap((e) =>
      hooks
        .filter((h) => e.position! > h.fromPosition && (h.allTenants || e.tenantId === h.tenantId) && (!h.types || h.types.includes(e.type)))
        .map((h) => ({ id: newId(), webhookId: h.id, eventId: e.id, eventType: e.type })),
    );
    const created = rows.length ? (await tx.insert(webhookDeliveries).values(rows).onConflictDoNothing().returning({ id: webhookDeliveries.id })).map((r) => r.id) : [];
    const position = page.length ? page[page.length - 1]!.position! : after;
    if (position !== cursor.position) await tx.update(webhookDispatch).set({ position }).where(eq(webhookDispatch.id, 1));
    return { read: page.length, created };
  });
  await queue.add(created);
  return read === BATCH;
}

/** Pending deliveries whose job was lost (a worker died right after dispatching them): queued again. */
export async function requeueStranded(db: Db, queue: WebhookQueue): Promise<void> {
  const stale = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, 'pending'), sql`${webhookDeliveries.updatedAt} < now() - interval '1 minute'`, sql`coalesce(${webhookDeliveries.nextAttemptAt}, ${webhookDeliveries.createdAt}) < now() - interval '1 minute'`))
    .limit(1000);
  await queue.add(stale.map((s) => s.id));
}

/** Thrown for a failed attempt that will be retried (BullMQ waits the backoff, then runs the job again). */
class AttemptFailed extends Error {}

/**
 * One attempt of one delivery: the event JSON POSTed, signed, to the URL checked again against
 * the allowed networks (DNS may have changed since the webhook was made). The row records every
 * attempt; a 2xx ends it, anything else (a failed DNS lookup included) is retried until
 * `retry.attempts`, a URL outside the allowed networks given up at once. Attempts of one tenant
 * hold at most its share of the worker's slots (`shares`).
 */
export async function deliver(db: Db, secrets: Keyring, policy: NetworkPolicy, retry: WebhookRetry, deliveryId: string, shares = new TenantShares()): Promise<void> {
  const found = await db.execute(sql`
    select d.id, d.status, d.attempts, w.url, w.secret, w.tenant_id as owner, e.type, e.tenant_id, e.cluster_id, e.operation_id, e.data, e.created_at, e.position
    from ${webhookDeliveries} d join ${webhooks} w on w.id = d.webhook_id join ${events} e on e.id = d.event_id
    where d.id = ${deliveryId}`);
  const d = (found as unknown as { rows: Array<EventRow & { id: string; status: string; attempts: number; url: string; secret: string; owner: string }> }).rows[0];
  // Deleted with its webhook, or settled by an earlier run of this job.
  if (!d || d.status !== 'pending') return;
  const release = shares.take(d.owner);
  try {
    await attemptDelivery(db, secrets, policy, retry, deliveryId, d);
  } finally {
    release();
  }
}

/**
 * How many of a worker's delivery slots each tenant may hold at once: a tenant whose receivers
 * never answer (each attempt holds its slot for the whole timeout) delays its own deliveries,
 * not every tenant's. A delivery over its tenant's share waits a moment and is tried again,
 * no attempt counted.
 */
export class TenantShares {
  private readonly inFlight = new Map<string, number>();
  constructor(readonly perTenant = Math.max(1, Math.floor(WEBHOOK_CONCURRENCY / 4))) {}
  /** Takes one of the tenant's slots, or throws DeliverLater; returns the release. */
  take(tenantId: string): () => void {
    const n = this.inFlight.get(tenantId) ?? 0;
    if (n >= this.perTenant) throw new DeliverLater(SHARE_RETRY_MS);
    this.inFlight.set(tenantId, n + 1);
    return () => {
      const left = (this.inFlight.get(tenantId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(tenantId, left);
      else this.inFlight.delete(tenantId);
    };
  }
}
/** A delivery over its tenant's share is looked at again after this long. */
const SHARE_RETRY_MS = 250;

async function attemptDelivery(db: Db, secrets: Keyring, policy: NetworkPolicy, retry: WebhookRetry, deliveryId: string, d: EventRow & { id: string; attempts: number; url: string; secret: string }): Promise<void> {
  const attempt = d.attempts + 1;
  const body = JSON.stringify(toEvent(d));
  let code: number | null = null;
  let error: string | null = null;
  let refused = false;
  try {
    const target = await resolveTarget(policy, d.url);
    code = await post(target, body, { 'slotplane-signature': sign(secrets.decrypt(d.secret), body), 'idempotency-key': d.id, 'slotplane-event-type': d.type });
    if (code < 200 || code > 299) error = `the receiver answered ${code}`;
  } catch (err) {
    // A name that does not resolve is retried like a receiver that is down; an address outside
    // the allowed networks is refused for good.
    refused = err instanceof TargetRefused && !(err instanceof TargetUnresolved);
    error = refused ? `the URL ${(err as Error).message}` : (err as Error).message || String(err);
  }
  const ok = error === null;
  const giveUp = !ok && (refused || attempt >= retry.attempts);
  await db
    .update(webhookDeliveries)
    .set({
      status: ok ? 'succeeded' : giveUp ? 'failed' : 'pending',
      attempts: attempt,
      lastResponseCode: code,
      lastError: error,
      nextAttemptAt: ok || giveUp ? null : new Date(Date.now() + webhookBackoff(retry, attempt)),
      deliveredAt: ok ? new Date() : null,
      updatedAt: new Date(),
    })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, 'pending')));
  if (!ok && !giveUp) throw new AttemptFailed(error!);
}
