import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Finds an executable on PATH, or in the extra directories given. */
export function which(name: string, extraDirs: string[] = []): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), ...extraDirs]) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export class MissingBinaryError extends Error {
  constructor(binary: string, hint: string) {
    super(`${binary} was not found on PATH. ${hint}`);
    this.name = 'MissingBinaryError';
  }
}

export function requireBinary(name: string, hint: string, extraDirs: string[] = []): string {
  const found = which(name, extraDirs);
  if (!found) throw new MissingBinaryError(name, hint);
  return found;
}

/** Debian keeps the Postgres server binaries off PATH, under /usr/lib/postgresql/<version>/bin. */
export function postgresBinDirs(): string[] {
  try {
    return readdirSync('/usr/lib/postgresql')
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => `/usr/lib/postgresql/${v}/bin`);
  } catch {
    return [];
  }
}
