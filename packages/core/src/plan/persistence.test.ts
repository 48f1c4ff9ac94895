import { describe, expect, it } from 'vitest';
import { persistenceError } from './persistence.ts';

const ok = { aof_last_write_status: 'ok', rdb_last_bgsave_status: 'ok' };

describe('persistenceError', () => {
  it('is the AOF when its last write failed while AOF is on', () => {
    expect(persistenceError({ ...ok, aof_last_write_status: 'err' }, { appendonly: 'yes', save: '' })).toBe('aof');
  });

  it('is the RDB when its last snapshot failed while snapshots are scheduled', () => {
    expect(persistenceError({ ...ok, rdb_last_bgsave_status: 'err' }, { appendonly: 'no', save: '3600 1' })).toBe('rdb');
  });

  it('is nothing when the failed file is not one the node keeps (Redis takes writes then)', () => {
    expect(persistenceError({ ...ok, aof_last_write_status: 'err' }, { appendonly: 'no', save: '' })).toBeNull();
    expect(persistenceError({ ...ok, rdb_last_bgsave_status: 'err' }, { appendonly: 'yes', save: '' })).toBeNull();
  });

  it('is nothing when both writes succeed, or when INFO says nothing', () => {
    expect(persistenceError(ok, { appendonly: 'yes', save: '3600 1' })).toBeNull();
    expect(persistenceError({}, {})).toBeNull();
  });
});
