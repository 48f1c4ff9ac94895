import type { Logger } from '@slotplane/logger';

/**
 * The stages `start` stops in, callers before what they call: the API (and this machine's agent,
 * its client: stopping it ends its long-poll, which the API's close would otherwise wait out),
 * then what uses the queue and the database (the worker, the API's queue connections), then the
 * queue's Redis, and the database last.
 */
export const STOP_ORDER = ['api', 'work', 'queue', 'database'] as const;
export type StopStage = (typeof STOP_ORDER)[number];

/** How long one part may take to stop before the rest is stopped anyway. */
export const STOP_TIMEOUT_MS = 5000;

/**
 * Stops the parts of a process in order, each stage's parts at once, each bounded by a timeout: a
 * close that hangs (a queue connection retrying a Redis that is gone) cannot hang the exit.
 */
export class Shutdown {
  private readonly stages = new Map<StopStage, Array<{ what: string; stop: () => Promise<unknown> }>>();

  constructor(
    private readonly log: Logger,
    private readonly timeoutMs = STOP_TIMEOUT_MS,
  ) {}

  add(stage: StopStage, what: string, stop: () => Promise<unknown>): void {
    this.stages.set(stage, [...(this.stages.get(stage) ?? []), { what, stop }]);
  }

  async run(): Promise<void> {
    for (const stage of STOP_ORDER) await Promise.all((this.stages.get(stage) ?? []).map((part) => this.within(part.what, part.stop)));
  }

  private async within(what: string, stop: () => Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.timeoutMs)));
    try {
      if ((await Promise.race([stop(), late])) === 'late') this.log.warn({ what, timeoutMs: this.timeoutMs }, 'did not stop in time; stopping the rest');
    } catch (err) {
      this.log.warn({ err, what }, 'while stopping');
    } finally {
      clearTimeout(timer);
    }
  }
}
