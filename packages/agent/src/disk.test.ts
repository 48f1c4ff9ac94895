import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { diskSpace, earlyExit, failedWrite, lastLogLine } from './disk.ts';

const roomy = { freeBytes: 10 * 1024 ** 3, totalBytes: 20 * 1024 ** 3 };

describe('diskSpace', () => {
  it('reads the free and total bytes of a directory\'s file system', () => {
    const disk = diskSpace(tmpdir())!;
    expect(disk.totalBytes).toBeGreaterThan(0);
    expect(disk.freeBytes).toBeGreaterThanOrEqual(0);
    expect(disk.freeBytes).toBeLessThanOrEqual(disk.totalBytes);
  });

  it('is undefined for a directory that is not there', () => {
    expect(diskSpace('/nonexistent/slotplane')).toBeUndefined();
  });
});

describe('start failures', () => {
  it('says a write that failed with ENOSPC is a full disk', () => {
    const err = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(failedWrite(err, { freeBytes: 0, totalBytes: 1 << 20 })).toEqual({ reason: 'could not write its redis.conf: ENOSPC: no space left on device, write', noSpace: true, freeDiskBytes: 0 });
  });

  it('does not blame the disk for another error when there is room', () => {
    const err = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    expect(failedWrite(err, roomy).noSpace).toBe(false);
  });

  it('gives the last warning of redis.log for a redis-server that exited at once, a full disk when it says so', () => {
    const log = ['1:C 07 Dec 2025 12:00:00.000 * oO0OoO0OoO0Oo Redis is starting', "1:M 07 Dec 2025 12:00:00.001 # Can't open the append-only file: No space left on device", '1:M 07 Dec 2025 12:00:00.002 * bye'].join('\n');
    const line = lastLogLine(log);
    expect(line).toBe("Can't open the append-only file: No space left on device");
    expect(earlyExit({ code: 1, signal: null }, line, roomy)).toEqual({ reason: `redis-server exited with code 1 right after it started: ${line}`, noSpace: true, freeDiskBytes: roomy.freeBytes });
    expect(earlyExit({ code: 1, signal: null }, 'Bad directive or wrong number of arguments', roomy).noSpace).toBe(false);
  });

  it('takes a nearly full disk for the cause when the log is silent (redis-server could not write it either)', () => {
    expect(earlyExit({ code: 1, signal: null }, undefined, { freeBytes: 4096, totalBytes: 1 << 20 })).toMatchObject({ noSpace: true, reason: 'redis-server exited with code 1 right after it started: its redis.log says nothing' });
  });
});
