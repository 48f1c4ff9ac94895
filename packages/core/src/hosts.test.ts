import { describe, expect, it } from 'vitest';
import { HOST_LOST_AFTER_MS, hostState } from './hosts.ts';

describe('hostState', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('is up while heartbeats arrive, suspect after three missed, lost after the grace period', () => {
    expect(hostState({ lastHeartbeatAt: ago(900) }, now)).toBe('up');
    expect(hostState({ lastHeartbeatAt: ago(3000) }, now)).toBe('suspect');
    expect(hostState({ lastHeartbeatAt: ago(HOST_LOST_AFTER_MS - 1) }, now)).toBe('suspect');
    expect(hostState({ lastHeartbeatAt: ago(HOST_LOST_AFTER_MS) }, now)).toBe('lost');
    expect(hostState({ lastHeartbeatAt: null }, now)).toBe('lost');
  });

  it('takes the grace period it is given', () => {
    expect(hostState({ lastHeartbeatAt: ago(5000) }, now, 4000)).toBe('lost');
    expect(hostState({ lastHeartbeatAt: ago(2500) }, now, 2000)).toBe('lost');
    expect(hostState({ lastHeartbeatAt: ago(1500) }, now, 2000)).toBe('up');
  });

  it('counts a revoked host as lost at once, heartbeats or not', () => {
    expect(hostState({ lastHeartbeatAt: ago(100), revokedAt: ago(50) }, now)).toBe('lost');
    expect(hostState({ lastHeartbeatAt: null, revokedAt: ago(50) }, now, 600_000)).toBe('lost');
  });
});
