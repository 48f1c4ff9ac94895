import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '@slotplane/testkit';
import { createClient, type Operation, type SlotplaneClient } from './index.ts';

// A real control plane (one agent) so operations finish: 127.0.0.133, nodes on 12550-12599.
let cp: ControlPlane;
let sdk: SlotplaneClient;

beforeAll(async () => {
  cp = await startControlPlane({ hosts: [{ name: 'sdk-host', address: '127.0.0.133' }], portMin: 12550, portMax: 12599 });
  sdk = createClient({ baseUrl: cp.baseUrl, apiKey: (await cp.api.tenant()).auth.authorization.replace('Bearer ', '') });
});
afterAll(() => cp?.stop());

describe('waitForOperation', () => {
  it('follows a create to success, reporting its progress on the way', { timeout: 120_000 }, async () => {
    const { cluster, operation } = await sdk.clusters.create({ name: 'waited', shards: 1, replicasPerShard: 0 });
    const seen: Operation[] = [];
    const done = await sdk.waitForOperation(operation.id, { intervalMs: 100, onProgress: (op) => seen.push(op) });
    expect(done).toMatchObject({ id: operation.id, status: 'succeeded', progress: 100 });
    expect(seen.at(-1)).toEqual(done);
    expect(seen[0]!.status).not.toBe('succeeded');
    // Called on changes only: no two reports in a row alike.
    const states = seen.map((op) => `${op.status} ${op.progress} ${op.step}`);
    expect(states.filter((st, i) => st === states[i - 1])).toEqual([]);
    expect((await sdk.clusters.get(cluster.id)).status).toBe('available');
  });
});
