import { chmodSync, closeSync, fsyncSync, linkSync, lstatSync, openSync, readFileSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The data dir holds keys, passwords and the database: its owner's alone. New files get these
 * modes from the CLI's umask (0o077); a data dir made by an earlier version is fixed at start.
 */
export const PRIVATE_UMASK = 0o077;
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

const gone = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** chmod 0700 every directory and 0600 every file under `path` (symlinks are left alone). */
export function makePrivate(path: string): void {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    const mode = st.isDirectory() ? DIR_MODE : FILE_MODE;
    if ((st.mode & 0o777) !== mode) chmodSync(path, mode);
    if (st.isDirectory()) for (const name of readdirSync(path)) makePrivate(join(path, name));
  } catch (err) {
    // A redis-server still running from the last start may remove its temp files meanwhile.
    if (!gone(err)) throw err;
  }
}

/** The trimmed text of a file, or undefined if there is none. */
export function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    if (gone(err)) return undefined;
    throw err;
  }
}

/**
 * Creates a 0600 file holding `text` unless one exists, and returns what the file holds. Atomic,
 * durable and exclusive: a crash leaves no half-written file, and of two processes racing to make
 * it (two first starts, two rotations) one wins and both go on with its text.
 */
export function createPrivateFileOnce(file: string, text: string): string {
  const tmp = writeTemp(file, text);
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  syncDir(file);
  return readFileSync(file, 'utf8').trim();
}

/** Writes `text` as a 0600 file in place of `file` (whole or not at all, durably). */
export function writePrivateFile(file: string, text: string): void {
  replaceFile(writeTemp(file, text), file);
}

/** `text` and a newline, durably, in a new 0600 file beside `file`; returns its path. */
function writeTemp(file: string, text: string): string {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', FILE_MODE);
  try {
    writeSync(fd, `${text}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

/** Renames `from` over `to` (atomic), durably. */
export function replaceFile(from: string, to: string): void {
  renameSync(from, to);
  syncDir(to);
}

function syncDir(file: string): void {
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/** The secret kept in `file`, made by `create` (and written 0600) the first time. */
export function readOrCreateSecret(file: string, create: () => string): string {
  const secret = readIfExists(file) ?? createPrivateFileOnce(file, create());
  if (!secret) throw new Error(`${file} is empty: delete it, and a new one is made`);
  return secret;
}
