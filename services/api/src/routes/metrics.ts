import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { hostState } from '@slotplane/core';
import { clusters, count, hosts, isNull, nodes, operations, sql } from '@slotplane/db';
import type { ApiDeps } from '../app.ts';
import { AppError, problems } from '../errors.ts';

/**
 * Prometheus metrics of this API process and of the fleet as Postgres shows it. The fleet gauges
 * are read at scrape time (a few grouped counts), so every API instance reports the same fleet.
 * One registry per app, so several apps in one process (tests) do not share series. Called on the
 * root app: its request timing hook sees every route.
 */
export function installMetrics(app: FastifyInstance, { database, hostLostAfterMs, queue }: ApiDeps): Registry {
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
  grouped('slotplane_operations', 'Operations by status.', 'status', () => db.select({ key: operations.status, n: count() }).from(operations).groupBy(operations.status));
  grouped('slotplane_hosts', 'Hosts by state, from their heartbeats.', 'state', async () => {
    const now = new Date();
    const rows = await db.select({ at: hosts.lastHeartbeatAt }).from(hosts);
    const by = new Map<string, number>();
    for (const r of rows) {
      const state = hostState(r.at, now, hostLostAfterMs);
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
  new Gauge({
    name: 'slotplane_reconcile_queue_jobs', help: 'Reconcile jobs by state (one job per live cluster).', labelNames: ['state'], registers: [registry],
    async collect() {
      this.reset();
      for (const [state, n] of Object.entries((await queue.counts?.()) ?? {})) this.set({ state }, n);
    },
  });
  return registry;
}

export const metricsRoutes: FastifyPluginAsyncZod<ApiDeps & { registry: Registry }> = async (app, { registry }) => {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['health'], security: [{ bearerAuth: [] }], operationId: 'metrics', summary: 'Prometheus metrics (admin key)',
        response: { 200: z.string().describe('Prometheus text exposition format'), ...problems('unauthorized', 'forbidden') },
      },
    },
    async (request, reply) => {
      if (request.principal.role !== 'admin') throw new AppError('forbidden', 'metrics need an admin API key');
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
};
