import type { AcceptedOperation, Cluster, ClusterCredentials, Event, Operation } from '@slotplane/sdk';

/** Columns padded to their widest cell. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

const memory = (c: Cluster) => `${c.spec.maxMemoryMb} MB`;

export const clusterRows = (clusters: Cluster[]) =>
  table(
    ['NAME', 'STATUS', 'SHARDS', 'REPLICAS', 'MEMORY', 'PERSISTENCE', 'ID'],
    clusters.map((c) => [c.name, c.status, c.spec.shards, c.spec.replicasPerShard, memory(c), c.spec.persistence, c.id]),
  );

export function clusterDetail(c: Cluster): string {
  const head = table(
    ['FIELD', 'VALUE'],
    [
      ['name', c.name],
      ['id', c.id],
      ['status', c.status],
      ['shards', c.spec.shards],
      ['replicas per shard', c.spec.replicasPerShard],
      ['memory', memory(c)],
      ['persistence', c.spec.persistence],
      ['durability', c.spec.durability ?? '-'],
      ['generation', `${c.generation} (observed ${c.observedGeneration})`],
      ...(c.lastError ? [['last error', c.lastError]] : []),
    ],
  );
  const losses = c.dataLoss.length
    ? `\n\n${table(['DATA LOST', 'SHARD', 'DECLARED', 'DETAIL'], c.dataLoss.map((l) => [l.id, l.shardIndex ?? '-', l.declaredAt, l.detail]))}\n(slotplane clusters ack-loss ${c.name} <id> once you know)`
    : '';
  if (c.shards.length === 0) return head + losses;
  const nodes = c.shards.flatMap((s) =>
    [s.primary, ...s.replicas].filter((n) => n !== null).map((n) => [s.index, n.role ?? '-', `${n.host}:${n.port}`, n.status, s.primary === n ? s.slots.map(([a, b]) => `${a}-${b}`).join(',') : '']),
  );
  return `${head}${losses}\n\n${table(['SHARD', 'ROLE', 'ADDRESS', 'STATUS', 'SLOTS'], nodes)}`;
}

export const operationLine = (op: Operation) =>
  table(
    ['OPERATION', 'KIND', 'STATUS', 'PROGRESS', 'STEP'],
    [[op.id, op.kind, op.status, `${op.progress}%`, op.step ?? '-']],
  ) + (op.error ? `\nerror: ${op.error.message}` : '') + (op.warnings.length ? `\n${op.warnings.map((w) => `warning: ${w}`).join('\n')}` : '');

export const accepted = (a: AcceptedOperation) => `cluster ${a.cluster.name} (${a.cluster.id}): ${a.cluster.status}\n${operationLine(a.operation)}`;

export const credentials = (c: ClusterCredentials) =>
  `username ${c.username}\npassword ${c.password}\n\n${table(['ROLE', 'HOST', 'PORT'], c.endpoints.map((e) => [e.role, e.host, e.port]))}`;

export const eventLine = (e: Event) => `${e.createdAt}  ${e.type}  ${e.clusterId ?? '-'}  ${JSON.stringify(e.data)}`;
