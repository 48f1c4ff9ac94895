// What the idle benchmark reads at the start and end of its window: Postgres's own counters
// (pg_stat_statements, pg_stat_database) and CPU time from /proc. The admin connection these
// queries use is to the `postgres` database, so they never count against the measured one.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { sql, type Db } from '@slotplane/db';

type Query = ReturnType<typeof sql>;

async function rows<T>(db: Db, query: Query): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

export interface PgCounters {
  /** Sum of pg_stat_statements calls since the last reset (BEGIN/COMMIT included). */
  statements: number;
  /** tup_inserted + tup_updated + tup_deleted of pg_stat_database. */
  rowsWritten: number;
  commits: number;
}

export async function resetStatements(admin: Db): Promise<void> {
  await admin.execute(sql`select pg_stat_statements_reset()`);
}

export async function pgCounters(admin: Db, database: string): Promise<PgCounters> {
  const [s] = await rows<{ calls: string }>(admin, sql`
    select coalesce(sum(s.calls), 0)::bigint as calls
    from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = ${database}`);
  const [d] = await rows<{ written: string; commits: string }>(admin, sql`
    select (tup_inserted + tup_updated + tup_deleted)::bigint as written, xact_commit::bigint as commits
    from pg_stat_database where datname = ${database}`);
  return { statements: Number(s?.calls ?? 0), rowsWritten: Number(d?.written ?? 0), commits: Number(d?.commits ?? 0) };
}

export interface StatementStats {
  query: string;
  calls: number;
  rows: number;
  meanMs: number;
  totalMs: number;
}

export async function topStatements(admin: Db, database: string, limit: number): Promise<StatementStats[]> {
  const top = await rows<{ query: string; calls: string; rows: string; mean_ms: number; total_ms: number }>(admin, sql`
    select s.query, s.calls, s.rows, s.mean_exec_time as mean_ms, s.total_exec_time as total_ms
    from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = ${database}
    order by s.calls desc, s.total_exec_time desc limit ${limit}`);
  return top.map((r) => ({ query: r.query.replace(/\s+/g, ' ').trim(), calls: Number(r.calls), rows: Number(r.rows), meanMs: r.mean_ms, totalMs: r.total_ms }));
}

/** Clock ticks per second, the unit of the CPU times in /proc/<pid>/stat. */
export const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime of one process, in clock ticks. */
export function processCpuTicks(pid: number): number {
  const f = statFields(pid);
  return Number(f[11]) + Number(f[12]);
}

/**
 * CPU of a whole Postgres server, in clock ticks: the postmaster, every live child (backends,
 * background workers), and the children it has already reaped (cutime + cstime).
 */
export function postgresCpuTicks(postmasterPid: number): number {
  const f = statFields(postmasterPid);
  let ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const c = statFields(Number(entry));
      if (Number(c[1]) === postmasterPid) ticks += Number(c[11]) + Number(c[12]);
    } catch {
      // exited meanwhile: its time is in the postmaster's cutime/cstime now
    }
  }
  return ticks;
}
