import type { HostState } from '@slotplane/contracts';

export type { HostState };

/** An agent heartbeats every second: three missed ones make its host suspect. */
export const HOST_SUSPECT_AFTER_MS = 3000;
/** The default grace before a silent host counts as lost (HOST_LOST_AFTER_MS). */
export const HOST_LOST_AFTER_MS = 30_000;

/** What a host's state is read from: its last heartbeat, and whether an admin revoked it. */
export interface HostLiveness {
  lastHeartbeatAt: Date | null;
  revokedAt?: Date | null;
}

/**
 * `up` while heartbeats arrive; `suspect` after a few missed ones (the agent may just be
 * restarting: its redis-servers keep serving); `lost` after the grace period. A host that never
 * heartbeated is lost. A revoked host is lost at once and for good: the grace period is for an
 * agent that may come back, and a revoked one may not (its credential is refused).
 */
export function hostState(host: HostLiveness, now: Date, lostAfterMs = HOST_LOST_AFTER_MS): HostState {
  if (host.revokedAt) return 'lost';
  if (!host.lastHeartbeatAt) return 'lost';
  const silentMs = now.getTime() - host.lastHeartbeatAt.getTime();
  if (silentMs >= lostAfterMs) return 'lost';
  return silentMs >= Math.min(HOST_SUSPECT_AFTER_MS, lostAfterMs) ? 'suspect' : 'up';
}
