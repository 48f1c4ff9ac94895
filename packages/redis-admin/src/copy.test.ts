import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeAdmin } from './index.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A slot's keys copied from a source to a target whose replica must have them before the source
// lets go (services/worker/src/migrate.ts drains this way): three real cluster-mode redis-servers.
describe('copying a slot\'s keys to a target, then deleting what its replica acknowledged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slotplane-copy-'));
  const servers: ChildProcess[] = [];
  let src: NodeAdmin;
  let dst: NodeAdmin;
  let dstPort: number;
  let replicaPid: number;
  let srcReplica: NodeAdmin;
  const slot = 0;
  const keys = ['{06S}a', '{06S}b', '{06S}c']; // hash tag 06S: slot 0

  beforeAll(async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    dstPort = ports[1]!;
    const admins = ports.map((port, i) => {
      const d = join(dir, String(i));
      servers.push(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${i}.conf`), '--dir', dir, '--dbfilename', `${i}.rdb`, '--requirepass', 'pw', '--masterauth', 'pw', '--logfile', `${d}.log`], { stdio: 'ignore' }));
      return new NodeAdmin({ host: '127.0.0.1', port, username: 'default', password: 'pw' });
    });
    for (const a of admins) for (let i = 0; i < 100 && !(await a.observe()).reachable; i++) await pause(50);
    [src, dst] = admins as [NodeAdmin, NodeAdmin];
    const replica = admins[2]!;
    srcReplica = admins[3]!;
    await src.addSlotsRange([[0, 16383]]);
    for (const a of admins.slice(1)) await a.meet('127.0.0.1', ports[0]!);
    const ids = await Promise.all(admins.map((a) => a.myId()));
    for (let i = 0; i < 100 && (await replica.nodes()).length < 4; i++) await pause(50);
    await replica.replicate(ids[1]!);
    await srcReplica.replicate(ids[0]!);
    for (let i = 0; i < 200 && ((await dst.onlineReplicas()) < 1 || (await src.onlineReplicas()) < 1); i++) await pause(50);
    for (const k of keys) await src.redis.set(k, `${k}-1`);
    await dst.setSlots([slot], 'IMPORTING', ids[0]!);
    await src.setSlots([slot], 'MIGRATING', ids[1]!);
    replicaPid = servers[2]!.pid!;
    replica.close();
  }, 30_000);
  afterAll(() => {
    src?.close();
    dst?.close();
    srcReplica?.close();
    for (const s of servers) s.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const to = () => ({ host: '127.0.0.1', port: dstPort, username: 'default', password: 'pw', timeoutMs: 5000 });
  const onTarget = async (k: string) => ((await dst.redis.pipeline().call('ASKING').get(k).exec()) ?? [])[1]?.[1];

  it('leaves the source\'s copies in place while the target\'s replica does not acknowledge them', async () => {
    process.kill(replicaPid, 'SIGSTOP');
    try {
      const copy = await src.copyListing(slot, 100, 1 << 20, to());
      expect(copy.keys.sort()).toEqual([...keys].sort());
      expect(await onTarget(keys[0]!)).toBe(`${keys[0]}-1`);
      expect(await dst.replicated(1, 300)).toBe(0);
      expect(await src.countKeysInSlots([slot])).toEqual([3]);
    } finally {
      process.kill(replicaPid, 'SIGCONT');
    }
  });

  it('once acknowledged, deletes on the source only the keys not written since the copy (those are copied again)', async () => {
    const copy = await src.copyListing(slot, 100, 1 << 20, to());
    await src.redis.set(keys[1]!, `${keys[1]}-2`); // a client's write to the source's live copy
    expect(await dst.replicated(1, 5000)).toBe(1);
    expect(await src.deleteUnchanged(copy.keys, copy.sums)).toBe(2);
    expect(await src.redis.get(keys[1]!)).toBe(`${keys[1]}-2`);
    const again = await src.copyListing(slot, 100, 1 << 20, to());
    expect(again.keys).toEqual([keys[1]]);
    expect(await onTarget(keys[1]!)).toBe(`${keys[1]}-2`);
    expect(await dst.replicated(1, 5000)).toBe(1);
    expect(await src.deleteUnchanged(again.keys, again.sums)).toBe(1);
    expect(await src.countKeysInSlots([slot])).toEqual([0]);
    // The deletes reach the source's replica too (a script's DELs are replicated as such).
    expect(await src.replicated(1, 5000)).toBe(1);
    expect(await srcReplica.countKeysInSlots([slot])).toEqual([0]);
    expect(await Promise.all(keys.map(onTarget))).toEqual([`${keys[0]}-1`, `${keys[1]}-2`, `${keys[2]}-1`]);
  });

  it('moves outright when told to (a target without a replica: nothing to wait for), replacing a copy a cut attempt left', async () => {
    const k = '{06S}d';
    await dst.redis.pipeline().call('ASKING').set(k, 'left by a cut copy').exec();
    // (A key of a migrating slot that the source lacks is answered with ASK: written with the slot stable.)
    await src.stableSlots([slot]);
    await src.redis.set(k, 'live');
    await src.setSlots([slot], 'MIGRATING', await dst.myId());
    const moved = await src.copyListing(slot, 100, 1 << 20, to(), 'move');
    expect(moved.keys).toEqual([k]);
    expect(await src.countKeysInSlots([slot])).toEqual([0]);
    expect(await onTarget(k)).toBe('live');
  });
});
