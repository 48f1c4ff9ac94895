import type { Database } from '@slotplane/db';

/**
 * Wakes waiters when a Postgres NOTIFY on `channel` names their key (or '*'): one LISTEN
 * connection per API process and channel. Used by the agents' long-polls (key: the host whose
 * assignments changed) and the event streams (key: 'events').
 */
export class ChannelSignals {
  private readonly waiters = new Map<string, Set<() => void>>();
  private listening: Promise<() => Promise<void>> | undefined;

  constructor(
    private readonly database: Database,
    private readonly channel: string,
  ) {}

  /**
   * Resolves when what `key` names may have changed, or after `ms`. Subscribe before reading,
   * so a change between the read and the wait is not missed.
   */
  async subscribe(key: string): Promise<{ changed(ms: number, abort: AbortSignal): Promise<void>; cancel(): void }> {
    this.listening ??= this.database.listen(this.channel, (payload) => this.wake(payload));
    await this.listening;
    let fired = false;
    let resolve: (() => void) | undefined;
    const waiter = () => {
      fired = true;
      resolve?.();
    };
    const set = this.waiters.get(key) ?? new Set();
    set.add(waiter);
    this.waiters.set(key, set);
    const cancel = () => {
      set.delete(waiter);
      if (!set.size) this.waiters.delete(key);
    };
    return {
      cancel,
      changed: (ms, abort) =>
        new Promise<void>((done) => {
          if (fired || abort.aborted) return done();
          const timer = setTimeout(finish, ms);
          function finish() {
            clearTimeout(timer);
            abort.removeEventListener('abort', finish);
            done();
          }
          resolve = finish;
          abort.addEventListener('abort', finish);
        }).finally(cancel),
    };
  }

  private wake(key: string) {
    const targets = key === '*' ? [...this.waiters.values()] : [this.waiters.get(key)];
    for (const set of targets) for (const w of set ?? []) w();
  }

  async close(): Promise<void> {
    const unlisten = await this.listening?.catch(() => undefined);
    await unlisten?.();
  }
}
