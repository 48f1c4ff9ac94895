import type { Event } from '@slotplane/contracts';
import { EVENTS_CHANNEL, type Database } from '@slotplane/db';
import { ChannelSignals } from './signals.ts';
import { eventCursor, logHorizon, positionOf, readEvents, type EventFilter } from './store/events.ts';

/** Events read from the log per round of the tail. */
const BATCH = 500;

interface Follower {
  filter: EventFilter;
  /** Position of the last event handed over (or skipped by the filter). */
  after: number;
  /** While catching up from the log: tail events held back until the catch-up is done. */
  held: Event[] | null;
  deliver(events: Event[]): void;
}

const matches = (f: EventFilter, e: Event) =>
  (f.tenantId === null || e.tenantId === f.tenantId) && (!f.clusterId || e.clusterId === f.clusterId) && (!f.types || f.types.includes(e.type));

/**
 * One reader of the event log per API process, for all its streams: each NOTIFY (any instance or
 * worker committed events) makes it number and read the new events once, and hand each to the
 * streams whose filter lets it through. A stream that joins from an older cursor first reads the
 * log on its own, holding back what the tail hands it meanwhile, so nothing is missed or doubled.
 */
export class EventTail {
  private readonly signals: ChannelSignals;
  private readonly followers = new Set<Follower>();
  /** Highest position the tail has read and handed over. */
  private last = 0;
  private started: Promise<void> | undefined;
  private loop: Promise<void> | undefined;
  private readonly closed = new AbortController();

  constructor(private readonly database: Database) {
    this.signals = new ChannelSignals(database, EVENTS_CHANNEL);
  }

  /** Follows the log after `cursor` for `filter`; `deliver` gets events in log order, each once. */
  async follow(filter: EventFilter, cursor: string | undefined, deliver: (events: Event[]) => void): Promise<() => void> {
    // The tail knows where it starts before anyone catches up to it (so nothing falls between).
    this.started ??= logHorizon(this.database.db).then((top) => {
      this.last = top;
      this.loop = this.run();
    });
    await this.started;
    const follower: Follower = { filter, after: positionOf(cursor), held: [], deliver };
    this.followers.add(follower);
    // Catch up from the log: whatever the tail hands over meanwhile waits in `held`.
    let next = cursor;
    for (;;) {
      const page = await readEvents(this.database.db, filter, next, BATCH);
      if (page.items.length) deliver(page.items);
      follower.after = positionOf(page.nextCursor);
      next = page.nextCursor;
      if (page.items.length < BATCH) break;
    }
    const held = follower.held!.filter((e) => positionOf(e.id) > follower.after);
    follower.held = null;
    if (held.length) this.handOver(follower, held);
    return () => this.followers.delete(follower);
  }

  private handOver(f: Follower, events: Event[]) {
    const fresh = events.filter((e) => positionOf(e.id) > f.after);
    if (!fresh.length) return;
    f.after = positionOf(fresh[fresh.length - 1]!.id);
    const mine = fresh.filter((e) => matches(f.filter, e));
    if (mine.length) f.deliver(mine);
  }

  private async run(): Promise<void> {
    while (!this.closed.signal.aborted) {
      const wake = await this.signals.subscribe('events');
      try {
        for (;;) {
          const page = await readEvents(this.database.db, { tenantId: null }, eventCursor(this.last), BATCH);
          this.last = positionOf(page.nextCursor);
          for (const f of this.followers) {
            if (f.held) f.held.push(...page.items);
            else this.handOver(f, page.items);
          }
          if (page.items.length < BATCH) break;
        }
      } catch {
        // The next NOTIFY (or a reconnect's '*') tries again.
      }
      await wake.changed(60_000, this.closed.signal);
    }
  }

  async close(): Promise<void> {
    this.closed.abort();
    await this.started?.catch(() => {});
    await this.loop;
    await this.signals.close();
  }
}
