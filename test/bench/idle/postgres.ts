// A throwaway Postgres like @slotplane/embedded's startThrowawayPostgres, started with
// pg_stat_statements preloaded (that one takes no extra server options, and the bench must not
// change it). initdb refuses to run as root, so as root everything runs as the `postgres` user.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@slotplane/db';
import { freePort, requireBinary, waitFor } from '@slotplane/embedded';

export interface StatsPostgres {
  /** URL of the `postgres` database; swap the last path segment for another database. */
  url: string;
  /** The postmaster's pid: its children are the backends whose CPU the bench sums. */
  postmasterPid: number;
  stop(): Promise<void>;
}

const INSTALL_HINT = 'Install PostgreSQL with its contrib modules (Debian/Ubuntu: `apt-get install postgresql`).';

/** Debian keeps the server binaries off PATH, under /usr/lib/postgresql/<version>/bin. */
function postgresBinDirs(): string[] {
  try {
    return readdirSync('/usr/lib/postgresql')
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => `/usr/lib/postgresql/${v}/bin`);
  } catch {
    return [];
  }
}

export async function startStatsPostgres(): Promise<StatsPostgres> {
  const dirs = postgresBinDirs();
  const initdb = requireBinary('initdb', INSTALL_HINT, dirs);
  const postgres = requireBinary('postgres', INSTALL_HINT, dirs);
  const root = mkdtempSync(join(tmpdir(), 'slotplane-bench-pg-'));
  const dataDir = join(root, 'data');
  const asRoot = userInfo().uid === 0;
  const runAs = (cmd: string, args: string[]) => (asRoot ? (['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const) : ([cmd, args] as const));
  try {
    if (asRoot) {
      const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
      if (uid.status !== 0) throw new Error('running as root needs a `postgres` system user to run the throwaway Postgres as');
      chownSync(root, Number(uid.stdout.trim()), Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()));
    }
    const [initCmd, initArgs] = runAs(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }

  const port = await freePort();
  const [cmd, args] = runAs(postgres, [
    '-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', root,
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300',
    '-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track_utility=on',
  ]);
  // Its own process group: a Ctrl-C reaches the bench, which stops the API before Postgres.
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const postmasterPid = () => Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  // Last resort when the bench dies without cleaning up: a fast shutdown, which needs no waiting.
  const onExit = () => {
    try {
      process.kill(postmasterPid(), 'SIGINT');
    } catch {
      // not running
    }
  };
  process.on('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    const exited = new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
    try {
      // runuser does not pass signals on, so signal the postmaster itself (fast shutdown).
      process.kill(postmasterPid(), 'SIGINT');
    } catch {
      child.kill('SIGKILL');
    }
    await exited;
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitFor('throwaway postgres', async () => {
      if (child.exitCode !== null) throw new Error(`postgres exited: ${stderr}`);
      const probe = await openDatabase({ url, poolSize: 1 });
      try {
        await probe.ping();
        return true;
      } finally {
        await probe.close().catch(() => {});
      }
    }, { timeoutMs: 30_000, intervalMs: 100 });
    return { url, postmasterPid: postmasterPid(), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
