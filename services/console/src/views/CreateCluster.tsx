import { useState } from 'react';
import { SlotplaneError, type FieldError } from '@slotplane/sdk';
import { messageOf } from '../api.ts';
import { useLive } from '../live.tsx';
import type { CreateClusterRequest } from '../types.ts';

const PERSISTENCE = ['none', 'aof', 'rdb'] as const;
const FIELDS: Array<keyof CreateClusterRequest> = ['name', 'shards', 'replicasPerShard', 'maxMemoryMb', 'persistence'];

/** The API's field errors for one request field (problem+json names them `body.<field>`). */
const errorsFor = (errors: FieldError[], field: keyof CreateClusterRequest) => errors.filter((e) => e.field === `body.${field}` || e.field.startsWith(`body.${field}.`));

/**
 * POST /v1/clusters. The API validates: the form only shapes the request and shows what the
 * answer says, each field's errors beside it and the rest above the button.
 */
export function CreateCluster({ onCreated }: { onCreated: () => void }) {
  const live = useLive();
  const [form, setForm] = useState({ name: '', shards: '3', replicasPerShard: '1', maxMemoryMb: '256', persistence: 'none' as CreateClusterRequest['persistence'] });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<string | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors([]);
    setFailure(null);
    setCreated(null);
    const body: CreateClusterRequest = {
      name: form.name,
      shards: Number(form.shards),
      replicasPerShard: Number(form.replicasPerShard),
      maxMemoryMb: Number(form.maxMemoryMb),
      persistence: form.persistence,
    };
    try {
      const res = await live.sdk.clusters.create(body);
      setCreated(res.cluster.name);
      setForm((f) => ({ ...f, name: '' }));
      onCreated();
    } catch (err) {
      if (err instanceof SlotplaneError) setErrors(err.errors);
      setFailure(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const field = (name: Exclude<keyof CreateClusterRequest, 'persistence'>, label: string, type: 'text' | 'number') => (
    <label data-field={name}>
      {label}
      <input type={type} value={form[name]} aria-label={label} onChange={(e) => setForm((f) => ({ ...f, [name]: e.target.value }))} />
      {errorsFor(errors, name).map((fe) => <span key={fe.field + fe.message} className="error small field-error">{fe.message}</span>)}
    </label>
  );

  return (
    <form className="create-cluster" onSubmit={(e) => void submit(e)} aria-label="Create cluster">
      <h3>Create cluster <span className="muted small">in this key's own tenant</span></h3>
      <div className="fields">
        {field('name', 'name', 'text')}
        {field('shards', 'shards', 'number')}
        {field('replicasPerShard', 'replicas per shard', 'number')}
        {field('maxMemoryMb', 'max memory MB', 'number')}
        <label data-field="persistence">
          persistence
          <select value={form.persistence} aria-label="persistence" onChange={(e) => setForm((f) => ({ ...f, persistence: e.target.value as CreateClusterRequest['persistence'] }))}>
            {PERSISTENCE.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
          {errorsFor(errors, 'persistence').map((fe) => <span key={fe.message} className="error small field-error">{fe.message}</span>)}
        </label>
        <button type="submit" disabled={busy}>Create</button>
      </div>
      {/* The detail repeats the field errors: shown only when some error has no field of the form beside it (a quota, an unknown field). */}
      {failure && !(errors.length > 0 && errors.every((e) => FIELDS.some((f) => errorsFor([e], f).length > 0))) && <p className="error form-error">{failure}</p>}
      {created && <p className="muted small">Creating {created}: it turns available below.</p>}
    </form>
  );
}
