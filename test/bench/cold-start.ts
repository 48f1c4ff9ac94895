// Cold start of the API: process start to first 200, as a server and as a serverless function.
// Run: pnpm bench cold-start
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { freePort, startRedisServer, startThrowawayPostgres, waitFor } from '@slotplane/embedded';
import { generateKey } from '@slotplane/secrets';
import { median, printTable } from './report.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const pgServer = process.env.DATABASE_URL ? undefined : await startThrowawayPostgres();
const redis = await startRedisServer();
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? pgServer!.url, REDIS_URL: redis.url, SECRETS_KEY: generateKey(), LOG_LEVEL: 'silent' };

// What a deployment ships: one bundled file, no TypeScript compiler at run time. It sits in
// services/api so the packages left external resolve from the API's node_modules.
const outdir = join(root, 'services/api/.bundle');
for (const entry of ['server', 'lambda']) {
  await build({
    entryPoints: [join(root, `services/api/src/${entry}.ts`)],
    outfile: join(outdir, `${entry}.mjs`),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The embedded database is loaded lazily and never used by a deployed API.
    // swagger-ui serves files from its own package folder.
    external: ['@electric-sql/pglite', 'drizzle-orm/pglite', 'drizzle-orm/pglite/migrator', '@fastify/swagger-ui'],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'error',
  });
}

async function serverColdStart(): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(outdir, 'server.mjs')], { env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: 'ignore' });
  await waitFor('first 200', async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200, { intervalMs: 5, timeoutMs: 30_000 });
  const ms = performance.now() - t0;
  child.kill('SIGKILL');
  return ms;
}

function lambdaColdStart(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(root, 'test/bench/lambda-invoke.mjs'), join(outdir, 'lambda.mjs')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', () => {
      const ms = performance.now() - t0;
      const res = JSON.parse(out || '{}');
      res.statusCode === 200 ? resolve(ms) : reject(new Error(`lambda answered ${out}`));
    });
  });
}

async function nodeBaseline(): Promise<number> {
  const t0 = performance.now();
  await new Promise((r) => spawn(process.execPath, ['-e', '0']).on('exit', r));
  return performance.now() - t0;
}

const rows: Array<[string, number[]]> = [
  ['node -e 0 (floor: an empty Node process)', []],
  ['API server, bundled: spawn -> first 200 on /healthz', []],
  ['API as serverless function, bundled: spawn -> handler answers 200', []],
];
for (let i = 0; i < RUNS; i++) {
  rows[0]![1].push(await nodeBaseline());
  rows[1]![1].push(await serverColdStart());
  rows[2]![1].push(await lambdaColdStart());
}
printTable(`API cold start, median of ${RUNS} runs`, rows.map(([name, xs]) => ({ name, ms: median(xs) })));
await redis.stop();
await pgServer?.stop();
