import { useState } from 'react';
import { useLive, useResource } from '../live.tsx';
import { TenantName, useTenants } from '../tenants.tsx';
import type { Cluster, Page } from '../types.ts';
import { StatusBadge, When } from './bits.tsx';
import { CreateCluster } from './CreateCluster.tsx';

/** Clusters listed at once (the API's largest page). */
const PAGE = 100;

/** Every tenant's clusters (the admin key sees the whole fleet), or one tenant's. */
export function Clusters() {
  const [tenantId, setTenantId] = useState('');
  const { data, error, reload } = useResource(`clusters/${tenantId}`, (sdk) => sdk.clusters.page({ limit: PAGE, ...(tenantId ? { tenantId } : {}) }), (e) => e.clusterId !== null);
  const { tenants, names } = useTenants();
  const { stream } = useLive();
  return (
    <section>
      <h2>Clusters</h2>
      <label className="small">
        Tenant{' '}
        <select value={tenantId} aria-label="tenant" onChange={(e) => setTenantId(e.target.value)}>
          <option value="">every tenant</option>
          {tenants.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
      </label>
      {error && <p className="error">{error}</p>}
      {data && data.items.length === 0 && <p className="muted">No clusters yet{tenantId ? ' for this tenant' : ''}.</p>}
      {data && data.items.length > 0 && (
        <table data-testid="clusters">
          <thead>
            <tr><th>Name</th><th>Tenant</th><th>Status</th><th>Shape</th><th>Generation</th><th>Created</th></tr>
          </thead>
          <tbody>
            {data.items.map((c) => (
              <tr key={c.id} data-cluster={c.name}>
                <td><a href={`#/clusters/${c.id}`}>{c.name}</a></td>
                <td><TenantName id={c.tenantId} names={names} /></td>
                <td><StatusBadge status={c.status} /></td>
                <td>{c.spec.shards} × (1 + {c.spec.replicasPerShard})</td>
                <td>{c.generation}</td>
                <td><When at={c.createdAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data?.nextCursor && <p className="muted small">Showing the first {PAGE} clusters: pick a tenant to see its own.</p>}
      <CreateCluster onCreated={reload} />
      <p className="muted small">Refreshed from the event stream ({stream}).</p>
    </section>
  );
}
