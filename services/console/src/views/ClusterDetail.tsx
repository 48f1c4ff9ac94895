import { useState } from 'react';
import { useLive, useResource } from '../live.tsx';
import { messageOf } from '../api.ts';
import { TenantName, useTenants } from '../tenants.tsx';
import type { AcceptedOperation, Cluster, ClusterSkew, Node, Operation, Page, ShardSkew } from '../types.ts';
import { Confirm, ProgressBar, SlotBar, StatusBadge, When } from './bits.tsx';

function NodeRow({ node, expected }: { node: Node; expected: 'primary' | 'replica' }) {
  return (
    <tr data-node={`${node.host}:${node.port}`}>
      <td>{node.host}:{node.port}</td>
      <td>{expected}</td>
      <td><StatusBadge status={node.role} /></td>
      <td><StatusBadge status={node.health} /></td>
      <td>{node.status}</td>
    </tr>
  );
}

/** Operations shown on a cluster's page. */
const RECENT_OPERATIONS = 5;

type Pending = { question: string; run: () => Promise<unknown> };

const SKEW_EVERY_MS = 10_000;

/** Keys, memory and ops/s of a shard's primary, from the skew report. */
function ShardLoad({ skew }: { skew: ShardSkew | undefined }) {
  if (!skew) return null;
  if (skew.error !== null || skew.keys === null || skew.usedMemoryBytes === null || skew.opsPerSec === null) {
    return (
      <span className="muted small" data-load>
        not measured: {skew.error ?? 'no figures'}
      </span>
    );
  }
  return (
    <span className="muted small" data-load>
      {skew.keys.toLocaleString()} keys · {(skew.usedMemoryBytes / 1048576).toFixed(1)} MiB · {skew.opsPerSec} ops/s
    </span>
  );
}

/** What a rebalance evens out over the primaries. */
const REBALANCE_BY = ['slots', 'memory'] as const;

export function ClusterDetail({ id }: { id: string }) {
  const live = useLive();
  const { names } = useTenants();
  const { data: cluster, error, reload } = useResource(`cluster/${id}`, (sdk) => sdk.clusters.get(id), (e) => e.clusterId === id);
  const { data: ops } = useResource(`operations/${id}`, (sdk) => sdk.clusters.operationsPage(id, { limit: 100 }), (e) => e.clusterId === id);
  // Keys and memory per shard are read from the nodes: again on the cluster's events, and every 10 s.
  const { data: skew } = useResource(`skew/${id}`, (sdk) => sdk.clusters.skew(id), (e) => e.clusterId === id, SKEW_EVERY_MS);
  const [shards, setShards] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [rebalanceBy, setRebalanceBy] = useState<(typeof REBALANCE_BY)[number]>('slots');
  /** The operation the last confirmed action started: its progress is drawn under the actions. */
  const [started, setStarted] = useState<string | null>(null);

  if (error) return <p className="error">{error}</p>;
  if (!cluster) return <p className="muted">Loading…</p>;
  const act = (p: Pending) => {
    setActionError(null);
    setPending(p);
  };
  const confirmed = async () => {
    const p = pending!;
    setPending(null);
    await p.run().then((res) => {
      const accepted = res as AcceptedOperation | undefined;
      if (accepted?.operation) setStarted(accepted.operation.id);
      reload();
    }, (err: unknown) => setActionError(messageOf(err)));
  };
  const target = Number(shards);
  const startedOp = started ? ops?.items.find((o) => o.id === started) : undefined;
  return (
    <section>
      <h2>
        {cluster.name} <StatusBadge status={cluster.status} />
      </h2>
      <p className="muted small">
        tenant <TenantName id={cluster.tenantId} names={names} /> · {cluster.id} · generation {cluster.generation} · {cluster.spec.shards} shards × (1 + {cluster.spec.replicasPerShard}) · {cluster.spec.maxMemoryMb} MB
      </p>
      {cluster.lastError && <p className="error">{cluster.lastError}</p>}
      {cluster.dataLoss.map((l) => (
        <div key={l.id} className="banner" role="alert" data-loss={l.id}>
          Shard {l.shardIndex ?? '?'} lost data ({l.detail}) <When at={l.declaredAt} /> —{' '}
          <button className="small"
            onClick={() => {
              setActionError(null);
              live.sdk.clusters.acknowledgeDataLoss(id, l.id).then(reload, (err: unknown) => setActionError(messageOf(err)));
            }}>
            Acknowledge
          </button>
        </div>
      ))}

      <div className="actions">
        <label>
          Shards <input type="number" min={1} value={shards} placeholder={String(cluster.spec.shards)} onChange={(e) => setShards(e.target.value)} aria-label="shards" />
        </label>
        <button disabled={!Number.isInteger(target) || target < 1 || target === cluster.spec.shards}
          onClick={() => act({ question: `Scale ${cluster.name} from ${cluster.spec.shards} to ${target} shards? Slots will move between primaries.`, run: () => live.sdk.clusters.update(id, { shards: target }) })}>
          Scale
        </button>
        <button className="danger" onClick={() => act({ question: `Delete ${cluster.name}? Every node and its data goes.`, run: () => live.sdk.clusters.delete(id) })}>
          Delete
        </button>
        <label>
          Rebalance by{' '}
          <select value={rebalanceBy} aria-label="rebalance by" onChange={(e) => setRebalanceBy(e.target.value as (typeof REBALANCE_BY)[number])}>
            {REBALANCE_BY.map((b) => <option key={b} value={b}>{b}</option>)}
          </select>
        </label>
        <button
          onClick={() => act({ question: `Rebalance ${cluster.name} by ${rebalanceBy}? Slots move online between primaries until each holds its fair share.`, run: () => live.sdk.clusters.rebalance(id, { by: rebalanceBy }) })}>
          Rebalance
        </button>
      </div>
      {actionError && <p className="error">{actionError}</p>}
      {startedOp && (
        <div className="op started" data-started={startedOp.kind}>
          Started <span>{startedOp.kind}</span> <StatusBadge status={startedOp.status} /> <ProgressBar percent={startedOp.progress} label={startedOp.step ?? ''} /> <span className="muted small">{startedOp.step}</span>
        </div>
      )}
      {pending && <Confirm question={pending.question} onYes={() => void confirmed()} onNo={() => setPending(null)} />}

      <h3>Shards</h3>
      {cluster.shards.map((s, i) => (
        <div key={s.id} className="shard" data-shard={s.index}>
          <div className="shard-head">
            <strong>Shard {s.index}</strong>
            <span className="muted small">{s.slots.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ') || 'no slots'}</span>
            <ShardLoad skew={skew?.shards.find((k) => k.index === s.index)} />
            <button className="small" disabled={!s.primary || s.replicas.length === 0}
              onClick={() => act({ question: `Switch over shard ${s.index} of ${cluster.name}? An in-sync replica becomes its primary (coordinated, nothing lost); ${s.primary ? `${s.primary.host}:${s.primary.port}` : 'the primary'} becomes a replica.`, run: () => live.sdk.clusters.switchover(id, s.index) })}>
              Switch over
            </button>
          </div>
          <SlotBar shard={s} hue={(i * 67) % 360} />
          <table>
            <thead>
              <tr><th>Node</th><th>Listed as</th><th>Observed role</th><th>Health</th><th>Process</th></tr>
            </thead>
            <tbody>
              {s.primary && <NodeRow node={s.primary} expected="primary" />}
              {s.replicas.map((r) => <NodeRow key={r.id} node={r} expected="replica" />)}
            </tbody>
          </table>
        </div>
      ))}

      <h3>Recent operations</h3>
      {/* The API lists them oldest first. */}
      {ops?.items.slice(-RECENT_OPERATIONS).reverse().map((o) => (
        <div key={o.id} className="op" data-operation={o.kind}>
          <span>{o.kind}</span> <StatusBadge status={o.status} /> <ProgressBar percent={o.progress} label={o.step ?? ''} /> <span className="muted small">{o.step}</span> <When at={o.createdAt} />
        </div>
      ))}
    </section>
  );
}
