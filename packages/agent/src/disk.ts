import { closeSync, fstatSync, openSync, readSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { DiskSpace, StartFailure } from '@slotplane/contracts';

/** A redis-server that exits this soon after it was spawned did not start. */
export const EARLY_EXIT_MS = 2000;
/** Less free than this in the data dir when a start fails: the disk is full, whatever the error said. */
const NEARLY_FULL_BYTES = 1024 * 1024;
/** How much of the end of redis.log is read for the reason an early exit gives. */
const LOG_TAIL_BYTES = 8192;

/** The data dir's file system: what the agent can still write, and its size; undefined when statfs fails. */
export function diskSpace(dir: string): DiskSpace | undefined {
  try {
    const s = statfsSync(dir);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return undefined;
  }
}

const full = (disk: DiskSpace | undefined) => disk !== undefined && disk.freeBytes < NEARLY_FULL_BYTES;

/** redis.conf (or instance.json) could not be written: the process was never started. */
export function failedWrite(err: unknown, disk: DiskSpace | undefined): StartFailure {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return { reason: `could not write its redis.conf: ${message}`.slice(0, 1000), noSpace: code === 'ENOSPC' || code === 'EDQUOT' || full(disk), freeDiskBytes: disk?.freeBytes ?? null };
}

/** redis-server exited right after it was spawned: why, as its log says (when it could write its log). */
export function earlyExit(exit: { code: number | null; signal: string | null }, logLine: string | undefined, disk: DiskSpace | undefined): StartFailure {
  const how = exit.code !== null ? `with code ${exit.code}` : `on ${exit.signal ?? 'a signal'}`;
  const noSpace = /no space left on device|ENOSPC|disk quota exceeded/i.test(logLine ?? '') || full(disk);
  return { reason: `redis-server exited ${how} right after it started: ${logLine ?? 'its redis.log says nothing'}`.slice(0, 1000), noSpace, freeDiskBytes: disk?.freeBytes ?? null };
}

/** The last warning (`#`) line of a redis.log, without its pid and time prefix; else its last line. */
export function lastLogLine(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const warning = [...lines].reverse().find((l) => l.includes(' # '));
  const line = warning ?? lines[lines.length - 1];
  if (line === undefined) return undefined;
  const i = line.indexOf(' # ');
  return i >= 0 ? line.slice(i + 3) : line;
}

/** The last warning line of the instance's redis.log, read from its end only. */
export function readLastLogLine(dir: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(join(dir, 'redis.log'), 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, LOG_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return lastLogLine(buffer.toString('utf8'));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
