// The processes tests start (agents, workers, the CLI) run from bundles built once per `vitest
// run`, not through tsx: a worker started by tsx spends seconds compiling TypeScript before it does
// anything, and reshard-crash alone starts thirteen.
import { existsSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { inject } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cacheDir = join(root, 'node_modules/.cache/slotplane-test');
const outDir = join(cacheDir, 'bin');
/** The admin console, built once per run: every `start` and the console's browser test serve it. */
export const consoleDir = join(cacheDir, 'console');

/** What tests start as a process of its own, and its entry point. */
export const ENTRIES = {
  agent: 'packages/agent/src/main.ts',
  worker: 'services/worker/src/main.ts',
  cli: 'services/cli/src/main.ts',
} as const;
export type ChildName = keyof typeof ENTRIES;

/**
 * The command that runs `name`: `node <bundle>` with the bundle this run's global setup built, else
 * (no global setup: a script of its own) `node --import tsx <entry>`. One process either way, so a
 * SIGKILL hits the agent or worker itself.
 */
export function childCommand(name: ChildName): [string, string[]] {
  const built = inject('childBundles');
  const bundle = join(outDir, `${name}.mjs`);
  return built && existsSync(bundle) ? [process.execPath, [bundle]] : [process.execPath, ['--import', 'tsx', join(root, ENTRIES[name])]];
}

/**
 * Workspace code is bundled, each file keeping its own `import.meta.url` (migrations, the OpenAPI
 * document and the console are found from where their source lives); npm packages stay where
 * pnpm put them, imported by their resolved paths (a package's bundle-relative name would resolve
 * from the bundle's folder, where pnpm puts nothing).
 */
const workspaceOnly: Plugin = {
  name: 'workspace-only',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@slotplane/') || args.path.startsWith('node:') || args.pluginData === 'resolving') return undefined;
      const found = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolving' });
      if (found.errors.length) return { errors: found.errors };
      // A Node built-in named without `node:` (e.g. "fs") resolves to itself.
      return { path: found.path.startsWith('/') ? pathToFileURL(found.path).href : found.path, external: true };
    });
    b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
};

/** Builds every child's bundle (about a second); the global setup calls it once per run. */
export async function buildChildBundles(): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, entry]) => [name, join(root, entry)])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // The CLI imports the API and the embedded servers only for the commands that need them:
    // chunks of their own keep `--help` from loading them.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    plugins: [workspaceOnly],
    logLevel: 'error',
  });
}

/** `slotplane <args>` as a file and its arguments, for execFile and spawn. */
export function cliCommand(args: string[]): [string, string[]] {
  const [node, pre] = childCommand('cli');
  return [node, [...pre, ...args]];
}
