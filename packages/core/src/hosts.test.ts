import { describe, expect, it } from 'vitest';
import { HOST_LOST_AFTER_MS, hostState } from './hosts.ts';

describe('hostState', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('is up while heartbeats arrive, suspect after three missed, lost after the grace period', () => {
    expect(hostState(ago(900), now)).toBe('up');
    expect(hostState(ago(3000), now)).toBe('suspect');
    expect(hostState(ago(HOST_LOST_AFTER_MS - 1), now)).toBe('suspect');
    expect(hostState(ago(HOST_LOST_AFTER_MS), now)).toBe('lost');
    expect(hostState(null, now)).toBe('lost');
  });

  it('takes the grace period it is given', () => {
    expect(hostState(ago(5000), now, 4000)).toBe('lost');
    expect(hostState(ago(2500), now, 2000)).toBe('lost');
    expect(hostState(ago(1500), now, 2000)).toBe('up');
  });
});
