import { describe, expect, it } from 'vitest';
import { observedStatus, presentStatus } from './status.ts';

describe('observedStatus', () => {
  const formed = { formed: true, deleting: false, changePending: false };
  it('is available when done, degraded while a formed cluster heals or waits on something that may pass', () => {
    expect(observedStatus(formed, 'done')).toBe('available');
    expect(observedStatus(formed, 'act')).toBe('degraded');
    expect(observedStatus(formed, 'wait')).toBe('degraded');
    expect(observedStatus(formed, 'blocked', false)).toBe('degraded');
    expect(observedStatus({ ...formed, changePending: true }, 'act')).toBe('modifying');
  });
  it('is failed only when no retry can help, formed or not', () => {
    expect(observedStatus(formed, 'blocked', true)).toBe('failed');
    expect(observedStatus({ ...formed, formed: false }, 'blocked', true)).toBe('failed');
    expect(observedStatus({ ...formed, formed: false }, 'blocked', false)).toBe('creating');
  });
  it('says deleting until deleted, whatever else happens', () => {
    const deleting = { ...formed, deleting: true };
    expect(observedStatus(deleting, 'blocked', true)).toBe('deleting');
    expect(observedStatus(deleting, 'done')).toBe('deleted');
  });
});

describe('presentStatus', () => {
  it('shows a change the workers have not picked up yet as modifying', () => {
    expect(presentStatus({ status: 'available', generation: 3, observedGeneration: 2, deletionRequestedAt: null })).toBe('modifying');
    expect(presentStatus({ status: 'failed', generation: 3, observedGeneration: 2, deletionRequestedAt: null })).toBe('failed');
    expect(presentStatus({ status: 'available', generation: 2, observedGeneration: 2, deletionRequestedAt: new Date() })).toBe('deleting');
  });
});
