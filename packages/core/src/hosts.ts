import type { HostState } from '@slotplane/contracts';

export type { HostState };

/** An agent heartbeats every second: three missed ones make its host suspect. */
export const HOST_SUSPECT_AFTER_MS = 3000;
/** The default grace before a silent host counts as lost (HOST_LOST_AFTER_MS). */
export const HOST_LOST_AFTER_MS = 30_000;

/** What a host's state is read from: its last heartbeat, whether an admin revoked it, and the state last announced. */
export interface HostLiveness {
  lastHeartbeatAt: Date | null;
  revokedAt?: Date | null;
  /** The state last announced for it (the row's `state`): what a watch restart must not undo. */
  state?: HostState;
}

/**
 * The host watch, shared by every worker (one record in Postgres): when its last round ran, and
 * since when it has run without a gap.
 */
export interface HostWatch {
  ranAt: Date;
  since: Date;
}

/**
 * The watch after a round at `now`. A gap longer than the suspect window since the last round means
 * the control plane was not watching (stopped, restarting, cut off from Postgres), and most likely
 * not receiving heartbeats either: a host's silence then counts from `now`, not from its last
 * heartbeat, so a control-plane restart does not announce every host lost.
 */
export function hostWatchAt(prev: HostWatch | null, now: Date): HostWatch {
  if (!prev || now.getTime() - prev.ranAt.getTime() > HOST_SUSPECT_AFTER_MS) return { ranAt: now, since: now };
  return { ranAt: now, since: prev.since };
}

const SEVERITY: Record<HostState, number> = { up: 0, suspect: 1, lost: 2 };

/**
 * `up` while heartbeats arrive; `suspect` after a few missed ones (the agent may just be
 * restarting: its redis-servers keep serving); `lost` after the grace period. A host that never
 * heartbeated is lost. A revoked host is lost at once and for good: the grace period is for an
 * agent that may come back, and a revoked one may not (its credential is refused).
 *
 * `watchingSince` (HostWatch.since): silence counts from no earlier than that, since heartbeats
 * sent while the control plane was down went unheard. That grace delays a judgement, it does not
 * undo one: a host announced suspect or lost before and not heard from since stays so.
 */
export function hostState(host: HostLiveness, now: Date, lostAfterMs = HOST_LOST_AFTER_MS, watchingSince: Date | null = null): HostState {
  if (host.revokedAt) return 'lost';
  if (!host.lastHeartbeatAt) return 'lost';
  const heardSince = !watchingSince || host.lastHeartbeatAt >= watchingSince;
  const silentMs = now.getTime() - (heardSince ? host.lastHeartbeatAt : watchingSince).getTime();
  const judged: HostState = silentMs >= lostAfterMs ? 'lost' : silentMs >= Math.min(HOST_SUSPECT_AFTER_MS, lostAfterMs) ? 'suspect' : 'up';
  if (heardSince || !host.state) return judged;
  return SEVERITY[host.state] > SEVERITY[judged] ? host.state : judged;
}
