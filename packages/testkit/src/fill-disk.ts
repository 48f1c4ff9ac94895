import { closeSync, openSync, writeSync } from 'node:fs';

/** Appends to `path` until its file system is full to the last byte (MiB, then pages, then bytes). */
export function fillToLastByte(path: string): void {
  const fd = openSync(path, 'a');
  try {
    for (const size of [1 << 20, 4096, 1]) {
      const chunk = Buffer.alloc(size, 120);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
}
