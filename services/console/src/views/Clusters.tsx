import { useLive, useResource } from '../live.tsx';
import type { Cluster, Page } from '../types.ts';
import { StatusBadge, When } from './bits.tsx';
import { CreateCluster } from './CreateCluster.tsx';

export function Clusters() {
  const { data, error, reload } = useResource<Page<Cluster>>('/v1/clusters?limit=100', (e) => e.clusterId !== null);
  const { stream } = useLive();
  return (
    <section>
      <h2>Clusters</h2>
      {error && <p className="error">{error}</p>}
      {data && data.items.length === 0 && <p className="muted">No clusters yet for this key's tenant.</p>}
      {data && data.items.length > 0 && (
        <table data-testid="clusters">
          <thead>
            <tr><th>Name</th><th>Status</th><th>Shape</th><th>Generation</th><th>Created</th></tr>
          </thead>
          <tbody>
            {data.items.map((c) => (
              <tr key={c.id} data-cluster={c.name}>
                <td><a href={`#/clusters/${c.id}`}>{c.name}</a></td>
                <td><StatusBadge status={c.status} /></td>
                <td>{c.spec.shards} × (1 + {c.spec.replicasPerShard})</td>
                <td>{c.generation}</td>
                <td><When at={c.createdAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <CreateCluster onCreated={reload} />
      <p className="muted small">Refreshed from the event stream ({stream}).</p>
    </section>
  );
}
