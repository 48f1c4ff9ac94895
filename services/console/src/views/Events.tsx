import { useLive } from '../live.tsx';
import { When } from './bits.tsx';

/** What an event is about, in a few words. */
function summary(data: Record<string, unknown>): string {
  const parts = Object.entries(data)
    .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.slice(0, 6).join(' ');
}

export function Events() {
  const { events, stream } = useLive();
  return (
    <section>
      <h2>Live events <span className={`badge badge-stream-${stream}`}>{stream}</span></h2>
      {events.length === 0 && <p className="muted">Waiting for events… (new ones appear here as they happen)</p>}
      <ol className="feed" data-testid="feed">
        {events.map((e) => (
          <li key={e.id} data-type={e.type}>
            <When at={e.createdAt} /> <code>{e.type}</code>{' '}
            {e.clusterId && <a href={`#/clusters/${e.clusterId}`}>cluster</a>} <span className="muted small">{summary(e.data)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
