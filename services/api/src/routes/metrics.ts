import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { hostState } from '@slotplane/core';
import { FAILOVER_BUCKETS_S, clusters, count, hosts, inArray, isNull, metricTotals, nodes, operations, readHostWatch, sql, webhookDeliveries } from '@slotplane/db';
import { waitingSince } from '@slotplane/queue';
import type { ApiDeps } from '../app.ts';
import { AppError, problems } from '../errors.ts';

/**
 * Prometheus metrics of this API process and of the fleet as Postgres shows it. The fleet gauges
 * are read at scrape time (a few grouped counts), so every API instance reports the same fleet.
 * One registry per app, so several apps in one process (tests) do not share series. Called on the
 * root app: its request timing hook sees every route.
 */
export function installMetrics(app: FastifyInstance, { database, hostLostAfterMs, queues = [] }: ApiDeps): Registry {
  const registry = new Registry();
  const db = database.db;
  const requests = new Histogram({
    name: 'slotplane_http_request_duration_seconds',
    help: 'API requests by route and status code.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    requests.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  // Counted from the rows at each scrape: one grouped query each.
  const grouped = (name: string, help: string, label: string, read: () => Promise<Array<{ key: string | null; n: number }>>) =>
    new Gauge({
      name, help, labelNames: [label], registers: [registry],
      async collect() {
        this.reset();
        for (const r of await read()) this.set({ [label]: r.key ?? 'unknown' }, Number(r.n));
      },
    });
  grouped('slotplane_clusters', 'Clusters by observed status.', 'status', () => db.select({ key: clusters.status, n: count() }).from(clusters).groupBy(clusters.status));
  grouped('slotplane_nodes', 'Live nodes by observed health (unknown: not observed yet).', 'health', () => db.select({ key: nodes.health, n: count() }).from(nodes).where(isNull(nodes.removedAt)).groupBy(nodes.health));
  new Gauge({
    name: 'slotplane_operations', help: 'Operations by kind and status.', labelNames: ['kind', 'status'], registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.select({ kind: operations.kind, status: operations.status, n: count() }).from(operations).groupBy(operations.kind, operations.status);
      for (const r of rows) this.set({ kind: r.kind, status: r.status }, Number(r.n));
    },
  });
  grouped('slotplane_hosts', 'Hosts by state, from their heartbeats (a revoked host is lost; silence while the control plane was down does not count).', 'state', async () => {
    const [rows, { now, watch }] = await Promise.all([db.select({ lastHeartbeatAt: hosts.lastHeartbeatAt, revokedAt: hosts.revokedAt, state: hosts.state }).from(hosts), readHostWatch(db)]);
    const by = new Map<string, number>();
    for (const r of rows) {
      const state = hostState(r, now, hostLostAfterMs, watch?.since ?? null);
      by.set(state, (by.get(state) ?? 0) + 1);
    }
    return [...by].map(([key, n]) => ({ key, n }));
  });
  new Gauge({
    name: 'slotplane_events_unsequenced', help: 'Events committed but not numbered yet (readers number them as they read).', registers: [registry],
    async collect() {
      const res = await db.execute(sql`select count(*)::int as n from events where position is null`);
      this.set(Number((res as unknown as { rows: Array<{ n: number }> }).rows[0]?.n ?? 0));
    },
  });
  grouped('slotplane_webhook_deliveries', 'Webhook deliveries by status.', 'status', () => db.select({ key: webhookDeliveries.status, n: count() }).from(webhookDeliveries).groupBy(webhookDeliveries.status));

  // The queues: depth by state, and how long the oldest waiting job has waited for a worker.
  new Gauge({
    name: 'slotplane_queue_jobs', help: 'BullMQ jobs by queue and state (reconcile: one per live cluster, mostly delayed until its next look).', labelNames: ['queue', 'state'], registers: [registry],
    async collect() {
      this.reset();
      for (const q of queues) {
        for (const [state, n] of Object.entries(await q.getJobCounts('waiting', 'active', 'delayed', 'failed'))) this.set({ queue: q.name, state }, n);
      }
    },
  });
  new Gauge({
    name: 'slotplane_queue_oldest_waiting_seconds', help: 'How long the oldest waiting job of each queue has waited for a worker (0: none waiting).', labelNames: ['queue'], registers: [registry],
    async collect() {
      this.reset();
      for (const q of queues) {
        const [oldest] = await q.getJobs(['waiting'], 0, 0, true);
        this.set({ queue: q.name }, oldest ? Math.max(0, Date.now() - waitingSince(oldest)) / 1000 : 0);
      }
    },
  });

  // What the control plane did: running totals kept beside the event log (appendEvent adds to
  // them), so these only go up, whatever is pruned or deleted (every API instance reports the same).
  const totals = async (names: string[]) =>
    db.select({ name: metricTotals.name, labels: metricTotals.labels, value: metricTotals.value }).from(metricTotals).where(inArray(metricTotals.name, names));
  const labelsOf = (text: string) => Object.fromEntries(text ? text.split(',').map((kv) => kv.split('=') as [string, string]) : []);
  const failovers = 'slotplane_failover_duration_seconds';
  const failoversHelp = "From a primary's death (or silence) to its replica's promotion, by trigger.";
  registry.registerMetric({
    name: failovers,
    help: failoversHelp,
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const rows = await totals(['failover_seconds_bucket', 'failover_seconds_sum', 'failover_seconds_count']);
      const values: Array<{ metricName: string; labels: Record<string, string>; value: number }> = [];
      for (const trigger of new Set(rows.map((r) => labelsOf(r.labels).trigger!))) {
        const own = rows.filter((r) => labelsOf(r.labels).trigger === trigger);
        const total = (name: string, le?: number) => own.find((r) => r.name === name && (le === undefined || labelsOf(r.labels).le === String(le)))?.value ?? 0;
        for (const le of FAILOVER_BUCKETS_S) values.push({ metricName: `${failovers}_bucket`, labels: { le: String(le), trigger }, value: total('failover_seconds_bucket', le) });
        values.push({ metricName: `${failovers}_bucket`, labels: { le: '+Inf', trigger }, value: total('failover_seconds_count') });
        values.push({ metricName: `${failovers}_sum`, labels: { trigger }, value: total('failover_seconds_sum') });
        values.push({ metricName: `${failovers}_count`, labels: { trigger }, value: total('failover_seconds_count') });
      }
      return { name: failovers, help: failoversHelp, type: 'histogram', aggregator: 'sum', values };
    },
    reset() {},
  } as unknown as Parameters<Registry['registerMetric']>[0]);
  let keysCounted = 0;
  new Counter({
    name: 'slotplane_slot_migration_keys_total', help: 'Keys moved by slot migrations: rate() of it is keys/s.', registers: [registry],
    async collect() {
      // The counter follows the running total: inc() by what it lacks (it never goes back).
      const [row] = await totals(['slot_migration_keys']);
      const total = row?.value ?? 0;
      if (total > keysCounted) this.inc(total - keysCounted);
      keysCounted = Math.max(keysCounted, total);
    },
  });
  new Gauge({
    name: 'slotplane_slot_migration_keys_per_second', help: 'Keys moved by slot migrations over the last minute, per second.', registers: [registry],
    async collect() {
      const res = await db.execute(sql`select coalesce(sum((data->>'keys')::bigint), 0) as n from events where type = 'slot_migration.progress' and created_at > now() - interval '1 minute'`);
      this.set(Number((res as unknown as { rows: Array<{ n: string }> }).rows[0]?.n ?? 0) / 60);
    },
  });
  return registry;
}

export const metricsRoutes: FastifyPluginAsyncZod<ApiDeps & { registry: Registry }> = async (app, { registry }) => {
  app.get(
    '/metrics',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['health'], security: [{ bearerAuth: [] }], operationId: 'metrics', summary: 'Prometheus metrics (admin key)',
        response: { 200: z.string().describe('Prometheus text exposition format'), ...problems('unauthorized', 'forbidden') },
      },
    },
    async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
};
