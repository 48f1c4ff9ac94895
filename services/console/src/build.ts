import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { CONSOLE_BASE } from './base.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);

/** Whether the files in `outDir` were built from the sources as they are now. */
export function consoleBuildIsFresh(outDir: string): boolean {
  const index = join(outDir, 'index.html');
  if (!existsSync(index)) return false;
  const sources = Math.max(newest(join(root, 'src')), statSync(join(root, 'index.html')).mtimeMs);
  return statSync(index).mtimeMs >= sources;
}

/** Builds the console with Vite into `outDir` (skipped when it is fresh); returns the directory. */
export async function buildConsole(outDir: string, opts: { force?: boolean } = {}): Promise<string> {
  if (!opts.force && consoleBuildIsFresh(outDir)) return outDir;
  await build({
    root,
    base: CONSOLE_BASE,
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
