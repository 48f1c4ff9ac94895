import type { HostState } from '@slotplane/contracts';

export type { HostState };

/** An agent heartbeats every second: three missed ones make its host suspect. */
export const HOST_SUSPECT_AFTER_MS = 3000;
/** The default grace before a silent host counts as lost (HOST_LOST_AFTER_MS). */
export const HOST_LOST_AFTER_MS = 30_000;

/**
 * `up` while heartbeats arrive; `suspect` after a few missed ones (the agent may just be
 * restarting: its redis-servers keep serving); `lost` after the grace period. A host that never
 * heartbeated is lost.
 */
export function hostState(lastHeartbeatAt: Date | null, now: Date, lostAfterMs = HOST_LOST_AFTER_MS): HostState {
  if (!lastHeartbeatAt) return 'lost';
  const silentMs = now.getTime() - lastHeartbeatAt.getTime();
  if (silentMs >= lostAfterMs) return 'lost';
  return silentMs >= Math.min(HOST_SUSPECT_AFTER_MS, lostAfterMs) ? 'suspect' : 'up';
}
