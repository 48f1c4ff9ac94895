// Events: commit -> SSE client latency. 100 stream clients (half on each of two API instances over
// one Postgres) follow GET /v1/events/stream while events are committed every 20 ms and clusters
// are created and deleted (operations running). Latency = when a client parsed the event minus
// when its transaction committed. No reference tool: the target is p99 < 100 ms on this machine.
// The same events also go to one webhook (a local receiver): commit -> POST received.
// Run: pnpm bench events   (BENCH_CLIENTS, BENCH_EVENTS)
import { createServer } from 'node:http';
import { buildApp } from '@slotplane/api';
import { appendEvent, tenants } from '@slotplane/db';
import { startSlotplane } from './harness.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 300);
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

const sp = await startSlotplane({ addresses: ['127.0.0.11'], portMin: 25500, portMax: 25599 });
const second = await buildApp({ database: sp.database, queue: sp.queue, secrets: sp.secrets });
const secondUrl = await second.listen({ host: '127.0.0.1', port: 0 });
const [tenant] = await sp.database.db.select({ id: tenants.id }).from(tenants);
const committedAt = new Map<number, number>();
const latencies: number[] = [];
const webhookLatencies: number[] = [];
let running = true;

// The webhook receiver: a bench event's arrival is a sample.
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const phase = (JSON.parse(body) as { data: { phase?: string } }).data.phase ?? '';
    const at = phase.startsWith('bench-') ? committedAt.get(Number(phase.slice(6))) : undefined;
    if (at !== undefined) webhookLatencies.push(performance.now() - at);
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
await sp.api('POST', '/v1/webhooks', { url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/`, types: ['cluster.step_done'] });

/** One SSE client: every bench event it parses becomes a latency sample. */
async function client(base: string, ready: () => void): Promise<void> {
  const res = await fetch(`${base}/v1/events/stream?type=cluster.step_done`, { headers: { authorization: `Bearer ${sp.apiKey}` }, signal: AbortSignal.timeout(600_000) });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  ready();
  while (running) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (!data) continue;
      const phase = (JSON.parse(data.slice(6)) as { data: { phase?: string } }).data.phase ?? '';
      const at = phase.startsWith('bench-') ? committedAt.get(Number(phase.slice(6))) : undefined;
      if (at !== undefined) latencies.push(performance.now() - at);
    }
  }
  await reader.cancel().catch(() => {});
}

try {
  let connected = 0;
  const clients = Array.from({ length: CLIENTS }, (_, i) => client(i % 2 ? secondUrl : sp.baseUrl, () => connected++).catch(() => {}));
  while (connected < CLIENTS) await new Promise((r) => setTimeout(r, 20));
  // Operations running meanwhile: small clusters created and deleted through the API.
  const churn = (async () => {
    for (let i = 0; running; i++) {
      const { cluster, operation } = await sp.api('POST', '/v1/clusters', { name: `churn-${i}`, shards: 1, replicasPerShard: 0, maxMemoryMb: 16 });
      await sp.settled(operation.id, 60_000, 50);
      await sp.settled((await sp.api('DELETE', `/v1/clusters/${cluster.id}`)).operation.id, 60_000, 50);
    }
  })();
  for (let seq = 0; seq < EVENTS; seq++) {
    await sp.database.db.transaction(async (tx) => appendEvent(tx, { tenantId: tenant!.id, type: 'cluster.step_done', data: { phase: `bench-${seq}`, steps: [] } }));
    committedAt.set(seq, performance.now());
    await new Promise((r) => setTimeout(r, 20));
  }
  const expected = EVENTS * CLIENTS;
  const deadline = Date.now() + 30_000;
  while ((latencies.length < expected || webhookLatencies.length < EVENTS) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  running = false;
  await churn.catch(() => {});
  console.log(`\nEvents: commit -> SSE client, ${CLIENTS} clients on 2 API instances, ${EVENTS} events every 20 ms, clusters created and deleted meanwhile`);
  console.log(`  received ${latencies.length} of ${expected}`);
  console.log(`  latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms (target p99 < 100 ms)`);
  console.log(`  webhook: received ${webhookLatencies.length} of ${EVENTS}, latency p50 ${percentile(webhookLatencies, 50).toFixed(1)} ms, p99 ${percentile(webhookLatencies, 99).toFixed(1)} ms, max ${Math.max(...webhookLatencies).toFixed(1)} ms`);
  void clients;
} finally {
  running = false;
  await second.close();
  receiver.close();
  await sp.stop();
}
process.exit(0);
