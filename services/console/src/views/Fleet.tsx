import { useResource } from '../live.tsx';
import type { Host } from '../types.ts';
import { StatusBadge, When } from './bits.tsx';

/** Heartbeats are not events: the fleet is read again this often as well. */
const FLEET_POLL_MS = 5000;

export function Fleet() {
  const { data, error } = useResource('hosts', (sdk) => sdk.hosts.list(), (e) => e.type.startsWith('host.') || e.type.startsWith('node.'), FLEET_POLL_MS);
  return (
    <section>
      <h2>Fleet</h2>
      {error && <p className="error">{error}</p>}
      {data && (
        <table data-testid="hosts">
          <thead>
            <tr><th>Host</th><th>Address</th><th>Zone</th><th>State</th><th>Ports</th><th>Instances</th><th>Last heartbeat</th></tr>
          </thead>
          <tbody>
            {data.items.map((h) => (
              <tr key={h.id} data-host={h.name}>
                <td>{h.name}</td>
                <td>{h.address}</td>
                <td>{h.zone ?? '—'}</td>
                <td><StatusBadge status={h.revokedAt ? 'revoked' : h.state} /></td>
                <td>{h.portMin}-{h.portMax}</td>
                <td>{h.instances.length}</td>
                <td><When at={h.lastHeartbeatAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
