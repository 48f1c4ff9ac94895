import { ASSIGNMENTS_CHANNEL, type Database } from '@slotplane/db';

/**
 * Wakes the long-polls of a host when its assignments change: one LISTEN connection per API
 * process, fed by the NOTIFY that every change of assignments sends in its own transaction.
 */
export class AssignmentSignals {
  private readonly waiters = new Map<string, Set<() => void>>();
  private listening: Promise<() => Promise<void>> | undefined;

  constructor(private readonly database: Database) {}

  /**
   * Resolves when host `hostId`'s assignments may have changed, or after `ms`. Subscribe
   * before reading the assignments, so a change between the read and the wait is not missed.
   */
  async subscribe(hostId: string): Promise<{ changed(ms: number, abort: AbortSignal): Promise<void>; cancel(): void }> {
    this.listening ??= this.database.listen(ASSIGNMENTS_CHANNEL, (payload) => this.wake(payload));
    await this.listening;
    let fired = false;
    let resolve: (() => void) | undefined;
    const waiter = () => {
      fired = true;
      resolve?.();
    };
    const set = this.waiters.get(hostId) ?? new Set();
    set.add(waiter);
    this.waiters.set(hostId, set);
    const cancel = () => {
      set.delete(waiter);
      if (!set.size) this.waiters.delete(hostId);
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

  private wake(hostId: string) {
    const targets = hostId === '*' ? [...this.waiters.values()] : [this.waiters.get(hostId)];
    for (const set of targets) for (const w of set ?? []) w();
  }

  async close(): Promise<void> {
    const unlisten = await this.listening?.catch(() => undefined);
    await unlisten?.();
  }
}
