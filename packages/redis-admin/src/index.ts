import { Redis } from 'ioredis';
import type { SlotRange } from '@slotplane/contracts';
import { parseClusterNodes, type ClusterNodeEntry } from '@slotplane/core';

export interface NodeAddress {
  host: string;
  port: number;
  password: string;
}

/** Parses `key:value` lines of INFO / CLUSTER INFO. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** One connection to one node, for admin commands. Fails fast instead of queueing while offline. */
export class NodeAdmin {
  readonly redis: Redis;
  constructor(readonly address: NodeAddress) {
    this.redis = new Redis({
      host: address.host,
      port: address.port,
      password: address.password,
      connectTimeout: 2000,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
      retryStrategy: (times) => (times > 50 ? null : 100),
    });
    this.redis.on('error', () => {}); // surfaced by the failing command instead
  }

  get label() {
    return `${this.address.host}:${this.address.port}`;
  }

  async nodes(): Promise<ClusterNodeEntry[]> {
    return parseClusterNodes(String(await this.redis.call('CLUSTER', 'NODES')));
  }
  async myId(): Promise<string> {
    return String(await this.redis.call('CLUSTER', 'MYID'));
  }
  async clusterInfo(): Promise<Record<string, string>> {
    return parseInfo(String(await this.redis.call('CLUSTER', 'INFO')));
  }
  async info(section: string): Promise<Record<string, string>> {
    return parseInfo(await this.redis.info(section));
  }
  async dbsize(): Promise<number> {
    return this.redis.dbsize();
  }
  async setConfigEpoch(epoch: number): Promise<void> {
    await this.redis.call('CLUSTER', 'SET-CONFIG-EPOCH', String(epoch));
  }
  async addSlotsRange(ranges: SlotRange[]): Promise<void> {
    await this.redis.call('CLUSTER', 'ADDSLOTSRANGE', ...ranges.flatMap(([a, b]) => [String(a), String(b)]));
  }
  async meet(host: string, port: number): Promise<void> {
    await this.redis.call('CLUSTER', 'MEET', host, String(port));
  }
  async replicate(primaryId: string): Promise<void> {
    await this.redis.call('CLUSTER', 'REPLICATE', primaryId);
  }
  async configSet(key: string, value: string | number): Promise<void> {
    await this.redis.config('SET', key, String(value));
  }
  close(): void {
    this.redis.disconnect();
  }
}
