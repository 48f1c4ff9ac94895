import type { PersistenceError } from './types.ts';

/**
 * What a node cannot write, from its INFO persistence and the `appendonly` / `save` settings it
 * runs with: exactly the conditions under which Redis answers writes with MISCONF. A failed
 * AOF write counts while AOF is on (Redis retries it every second and clears the error once it
 * succeeds); a failed snapshot while snapshots are scheduled (stop-writes-on-bgsave-error) — a
 * node with `save ""` keeps taking writes whatever its last BGSAVE did.
 */
export function persistenceError(info: Record<string, string>, config: { appendonly?: string; save?: string }): PersistenceError | null {
  if (config.appendonly === 'yes' && info.aof_last_write_status === 'err') return 'aof';
  if ((config.save ?? '') !== '' && info.rdb_last_bgsave_status === 'err') return 'rdb';
  return null;
}

/** Why a node that cannot persist is a problem, in the words of lastError. */
export function persistenceProblem(label: string, error: PersistenceError): string {
  return error === 'aof'
    ? `node ${label} cannot write its AOF (aof_last_write_status:err): the disk may be full; it refuses writes (MISCONF) until a write succeeds again`
    : `node ${label} cannot save its RDB snapshot (rdb_last_bgsave_status:err): the disk may be full; it refuses writes (MISCONF) until a save succeeds again`;
}
