import type { components } from './schema.ts';

type Operation = components['schemas']['Operation'];

export interface WaitOptions {
  /** Called with the operation whenever its status, progress or step changes (and once at first). */
  onProgress?: (operation: Operation) => void;
  /** Between polls (default 1000). */
  intervalMs?: number;
  /** Give up (an AbortError) when it aborts. */
  signal?: AbortSignal;
}

const SETTLED = new Set<Operation['status']>(['succeeded', 'failed', 'cancelled']);

/** Polls an operation until it has settled; returns it as it ended (check `status` and `error`). */
export async function waitForOperation(get: (id: string) => Promise<Operation>, operationId: string, opts: WaitOptions = {}): Promise<Operation> {
  let seen = '';
  for (;;) {
    opts.signal?.throwIfAborted();
    const op = await get(operationId);
    const now = `${op.status}/${op.progress}/${op.step ?? ''}`;
    if (now !== seen) opts.onProgress?.(op);
    seen = now;
    if (SETTLED.has(op.status)) return op;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, opts.intervalMs ?? 1000);
      opts.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
