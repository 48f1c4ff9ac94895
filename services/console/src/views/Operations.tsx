import { useEffect, useState } from 'react';
import { messageOf } from '../api.ts';
import { useLive, useResource } from '../live.tsx';
import type { Cluster, Operation, Page } from '../types.ts';
import { ProgressBar, StatusBadge, When } from './bits.tsx';

/** Operations per cluster listed here: its latest (the API lists them oldest first). */
const PER_CLUSTER = 5;

/** The latest operations of every cluster, newest first; read again on every operation event. */
export function Operations() {
  const live = useLive();
  const { data: clusters } = useResource('clusters', (sdk) => sdk.clusters.page({ limit: 100 }), (e) => e.type.startsWith('cluster.'));
  const [ops, setOps] = useState<Array<Operation & { clusterName: string }> | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Bumped by every operation event (at most once per burst): the lists are read again.
  const [opEvents, setOpEvents] = useState(0);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = live.subscribe((e) => {
      if (e && !e.type.startsWith('operation.')) return;
      timer ??= setTimeout(() => {
        timer = undefined;
        setOpEvents((n) => n + 1);
      }, 150);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [live.subscribe]);
  useEffect(() => {
    if (!clusters) return;
    let current = true;
    Promise.all(
      clusters.items.map((c) => live.sdk.clusters.operationsPage(c.id, { limit: 100 }).then((p) => p.items.slice(-PER_CLUSTER).map((o) => ({ ...o, clusterName: c.name })))),
    ).then(
      (lists) => current && setOps(lists.flat().sort((a, b) => b.createdAt.localeCompare(a.createdAt))),
      (err: unknown) => current && setError(messageOf(err)),
    );
    return () => {
      current = false;
    };
  }, [clusters, opEvents, live.sdk]);
  return (
    <section>
      <h2>Operations</h2>
      {error && <p className="error">{error}</p>}
      {ops && ops.length === 0 && <p className="muted">No operations yet.</p>}
      {ops && ops.length > 0 && (
        <table data-testid="operations">
          <thead>
            <tr><th>Cluster</th><th>Kind</th><th>Status</th><th>Progress</th><th>Step</th><th>Started</th></tr>
          </thead>
          <tbody>
            {ops.map((o) => (
              <tr key={o.id}>
                <td><a href={`#/clusters/${o.clusterId}`}>{o.clusterName}</a></td>
                <td>{o.kind}</td>
                <td><StatusBadge status={o.status} /></td>
                <td><ProgressBar percent={o.progress} /></td>
                <td className="muted small">{o.step}</td>
                <td><When at={o.createdAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
