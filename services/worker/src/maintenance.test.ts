import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent, events, sql } from '@slotplane/db';
import { createLogger } from '@slotplane/logger';
import { startApiHarness, waitFor, type ApiHarness } from '@slotplane/testkit';
import { startWorker, type RunningWorker } from './worker.ts';

// Upkeep through a real BullMQ job scheduler: old events are pruned by the scheduled job.
let h: ApiHarness;
let workers: RunningWorker[] = [];

beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(async () => {
  for (const w of workers) await w.close();
  await h?.close();
});

describe('event retention', () => {
  it('prunes events older than the retention on a job scheduler shared by the workers, keeping the rest in order', async () => {
    const { tenantId } = await h.tenant();
    await h.database.db.transaction(async (tx) => {
      for (const age of [40, 31, 29, 0]) await appendEvent(tx, { tenantId, type: 'cluster.step_done', data: { phase: String(age), steps: [] } });
    });
    await h.database.db.execute(sql`update ${events} set created_at = now() - make_interval(days => (data->>'phase')::int)`);
    // Two workers upsert the same scheduler: one job per interval between them.
    const deps = { database: h.database, redisUrl: h.redisUrl, queuePrefix: h.queuePrefix, secrets: h.secrets, logger: createLogger('worker', { level: 'silent' }), eventRetentionDays: 30, pruneEveryMs: 300 };
    workers = [await startWorker(deps), await startWorker(deps)];
    const ages = async () => ((await h.database.db.execute(sql`select data->>'phase' as age from ${events} order by position`)) as unknown as { rows: Array<{ age: string }> }).rows.map((r) => Number(r.age));
    await waitFor('the events past 30 days to be pruned', async () => (await ages()).length === 2, { timeoutMs: 15_000, intervalMs: 100 });
    expect(await ages()).toEqual([29, 0]);
  });
});
