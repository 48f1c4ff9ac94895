import { SLOT_COUNT, type Shard } from '../types.ts';

export function StatusBadge({ status }: { status: string | null }) {
  return <span className={`badge badge-${status ?? 'unknown'}`} data-status={status ?? 'unknown'}>{status ?? 'unknown'}</span>;
}

export function When({ at }: { at: string | null }) {
  if (!at) return <span className="muted">never</span>;
  return <time dateTime={at} title={at}>{new Date(at).toLocaleTimeString()}</time>;
}

export function ProgressBar({ percent, label }: { percent: number; label?: string }) {
  return (
    <div className="progress" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100} title={label}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
      <span className="progress-label">{percent}%</span>
    </div>
  );
}

/** A shard's slot ranges drawn over the whole 0..16383 space. */
export function SlotBar({ shard, hue }: { shard: Shard; hue: number }) {
  const count = shard.slots.reduce((n, [a, b]) => n + b - a + 1, 0);
  return (
    <div className="slotbar" title={`${count} slots`} data-slots={count}>
      {shard.slots.map(([a, b]) => (
        <div key={a} className="slotrange" style={{ left: `${(a / SLOT_COUNT) * 100}%`, width: `${((b - a + 1) / SLOT_COUNT) * 100}%`, background: `hsl(${hue} 60% 50%)` }} title={`${a}-${b}`} />
      ))}
    </div>
  );
}

export function Confirm({ question, onYes, onNo }: { question: string; onYes: () => void; onNo: () => void }) {
  return (
    <div className="modal" role="dialog" aria-modal="true">
      <div className="modal-box">
        <p>{question}</p>
        <button className="danger" onClick={onYes}>Confirm</button> <button onClick={onNo}>Cancel</button>
      </div>
    </div>
  );
}
