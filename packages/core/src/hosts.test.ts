import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOST_LOST_AFTER_MS, HOST_SUSPECT_AFTER_MS, hostState, hostWatchAt } from './hosts.ts';

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

describe('hostWatchAt', () => {
  const t0 = new Date('2026-11-23T12:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);

  it('starts watching at its first round', () => {
    expect(hostWatchAt(null, t0)).toEqual({ ranAt: t0, since: t0 });
  });

  it('keeps watching from the same moment while rounds come within the suspect window', () => {
    const watch = hostWatchAt(hostWatchAt(null, t0), at(1000));
    expect(watch).toEqual({ ranAt: at(1000), since: t0 });
    expect(hostWatchAt(watch, at(1000 + HOST_SUSPECT_AFTER_MS))).toEqual({ ranAt: at(1000 + HOST_SUSPECT_AFTER_MS), since: t0 });
  });

  it('starts again after a gap longer than the suspect window (the control plane was not watching)', () => {
    const watch = { ranAt: at(1000), since: t0 };
    expect(hostWatchAt(watch, at(1001 + HOST_SUSPECT_AFTER_MS))).toEqual({ ranAt: at(1001 + HOST_SUSPECT_AFTER_MS), since: at(1001 + HOST_SUSPECT_AFTER_MS) });
  });
});

describe('hostState after the control plane was down', () => {
  // The control plane came back (its watch restarted) at `since`; hosts last heartbeated 40 s before.
  const since = new Date('2026-11-23T12:00:00Z');
  const after = (ms: number) => new Date(since.getTime() + ms);
  const before = (ms: number) => new Date(since.getTime() - ms);
  const quiet = { lastHeartbeatAt: before(40_000), state: 'up' as const };

  it('gives a host silent since before the restart a full heartbeat window from the restart', () => {
    expect(hostState(quiet, after(0), HOST_LOST_AFTER_MS, since)).toBe('up');
    expect(hostState(quiet, after(HOST_SUSPECT_AFTER_MS - 1), HOST_LOST_AFTER_MS, since)).toBe('up');
    expect(hostState(quiet, after(HOST_SUSPECT_AFTER_MS), HOST_LOST_AFTER_MS, since)).toBe('suspect');
    expect(hostState(quiet, after(HOST_LOST_AFTER_MS - 1), HOST_LOST_AFTER_MS, since)).toBe('suspect');
    expect(hostState(quiet, after(HOST_LOST_AFTER_MS), HOST_LOST_AFTER_MS, since)).toBe('lost');
  });

  it('judges a host heard from since the restart by its heartbeats alone', () => {
    expect(hostState({ lastHeartbeatAt: after(1000), state: 'lost' }, after(1500), HOST_LOST_AFTER_MS, since)).toBe('up');
    expect(hostState({ lastHeartbeatAt: after(1000), state: 'up' }, after(1000 + HOST_SUSPECT_AFTER_MS), HOST_LOST_AFTER_MS, since)).toBe('suspect');
  });

  it('does not undo a judgement made before the restart: a lost or suspect host not heard from since stays so', () => {
    expect(hostState({ ...quiet, state: 'lost' }, after(0), HOST_LOST_AFTER_MS, since)).toBe('lost');
    expect(hostState({ ...quiet, state: 'suspect' }, after(0), HOST_LOST_AFTER_MS, since)).toBe('suspect');
    expect(hostState({ ...quiet, state: 'suspect' }, after(HOST_LOST_AFTER_MS), HOST_LOST_AFTER_MS, since)).toBe('lost');
  });

  it('still counts a revoked host, and one never heard from, as lost at once', () => {
    expect(hostState({ ...quiet, revokedAt: before(100) }, after(0), HOST_LOST_AFTER_MS, since)).toBe('lost');
    expect(hostState({ lastHeartbeatAt: null, state: 'up' }, after(0), HOST_LOST_AFTER_MS, since)).toBe('lost');
  });

  it('never makes a host announced up lost before a full grace period since the restart, nor changes the judgement of one heard since', () => {
    const states = fc.constantFrom('up' as const, 'suspect' as const, 'lost' as const);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600_000 }), fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 1000, max: 120_000 }), states, (heardBefore, elapsed, lostAfterMs, state) => {
        const host = { lastHeartbeatAt: before(heardBefore), state };
        const judged = hostState(host, after(elapsed), lostAfterMs, since);
        if (state === 'up' && elapsed < lostAfterMs) expect(judged).not.toBe('lost');
        if (elapsed >= lostAfterMs) expect(judged).toBe('lost');
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 1000, max: 120_000 }), states, (heardAfter, elapsed, lostAfterMs, state) => {
        const host = { lastHeartbeatAt: after(heardAfter), state };
        const now = after(heardAfter + elapsed);
        expect(hostState(host, now, lostAfterMs, since)).toBe(hostState({ lastHeartbeatAt: host.lastHeartbeatAt }, now, lostAfterMs));
      }),
    );
  });
});
