import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.ts';
import { postgresBinDirs, requireBinary } from './binaries.ts';
import { waitFor } from './wait.ts';

export interface ThrowawayPostgres {
  url: string;
  /** The postmaster: its children are the server's backends. */
  postmasterPid: number;
  stop(): Promise<void>;
}

const INSTALL_HINT = 'Install PostgreSQL (Debian/Ubuntu: `apt-get install postgresql`) or set DATABASE_URL.';

/**
 * Starts a disposable Postgres server (initdb into a temp dir, fsync off) on a free port, with
 * any extra server `settings` (e.g. shared_preload_libraries). initdb refuses to run as root,
 * so as root it runs as the `postgres` system user.
 */
export async function startThrowawayPostgres(opts: { settings?: Record<string, string> } = {}): Promise<ThrowawayPostgres> {
  const dirs = postgresBinDirs();
  const initdb = requireBinary('initdb', INSTALL_HINT, dirs);
  const postgres = requireBinary('postgres', INSTALL_HINT, dirs);
  const root = mkdtempSync(join(tmpdir(), 'slotplane-pg-'));
  const dataDir = join(root, 'data');
  const asRoot = userInfo().uid === 0;
  const runAs = (cmd: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const : [cmd, args] as const);
  if (asRoot) {
    const pw = spawnSync('id', ['-u', 'postgres']);
    if (pw.status !== 0) throw new Error('running as root needs a `postgres` system user to run the throwaway Postgres as; or set DATABASE_URL');
    chownSync(root, Number(pw.stdout.toString().trim()), Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim()));
  }
  const [initCmd, initArgs] = runAs(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);

  const port = await freePort();
  const [cmd, args] = runAs(postgres, [
    '-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', root,
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300',
    ...Object.entries(opts.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
  ]);
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitFor('throwaway postgres', async () => {
    if (child.exitCode !== null) throw new Error(`postgres exited: ${stderr}`);
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      return true;
    } finally {
      await c.end().catch(() => {});
    }
  }, { timeoutMs: 30_000, intervalMs: 100 });
  const postmasterPid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    url,
    postmasterPid,
    stop: async () => {
      // runuser does not pass signals on, so signal the postmaster itself (fast shutdown).
      const pid = postmasterPid;
      const exited = new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
      await exited;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
