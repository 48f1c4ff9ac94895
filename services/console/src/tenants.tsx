import { useMemo } from 'react';
import { useResource } from './live.tsx';
import type { Tenant } from './types.ts';

/**
 * The tenants (the first 100, oldest first) and their names by id, from GET /v1/tenants. Read again
 * when a cluster is created: it may be a new tenant's first.
 */
export function useTenants(): { tenants: Tenant[]; names: Map<string, string> } {
  const { data } = useResource('tenants', (sdk) => sdk.tenants.page({ limit: 100 }), (e) => e.type === 'cluster.created');
  return useMemo(() => ({ tenants: data?.items ?? [], names: new Map((data?.items ?? []).map((t) => [t.id, t.name])) }), [data]);
}

/** A tenant by name, or by id when its name is not known (yet). */
export function TenantName({ id, names }: { id: string; names: Map<string, string> }) {
  return <span title={id} data-tenant={names.get(id) ?? id}>{names.get(id) ?? id}</span>;
}
