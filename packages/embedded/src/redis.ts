import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { freePort } from './ports.ts';
import { requireBinary } from './binaries.ts';
import { waitFor } from './wait.ts';

export interface RedisServer {
  /** redis://:<password>@127.0.0.1:<port>: ioredis (and BullMQ through it) authenticates from it. */
  url: string;
  port: number;
  password: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const INSTALL_HINT = 'Install Redis 7 (Debian/Ubuntu: `apt-get install redis-server`) or set REDIS_URL to a Redis you run.';

/**
 * Starts a private redis-server on a free loopback port: the embedded queue backend and the
 * one tests use. Data is kept in `dir` when given (appendonly), otherwise in memory only. It
 * requires `password` (a random one when not given): any local user can reach a loopback port.
 * With `ownProcessGroup`, a Ctrl-C in the terminal (SIGINT to the foreground process group) does
 * not reach it: it is stopped by stop(), when its owner is done with it.
 */
export async function startRedisServer(opts: { dir?: string; port?: number; password?: string; ownProcessGroup?: boolean } = {}): Promise<RedisServer> {
  const bin = requireBinary('redis-server', INSTALL_HINT);
  const port = opts.port ?? (await freePort());
  const password = opts.password ?? randomBytes(24).toString('base64url');
  // The password goes in on stdin (`-`), not argv: argv is readable by every user (ps).
  const args = ['-', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--daemonize', 'no', '--loglevel', 'warning'];
  if (opts.dir) {
    mkdirSync(opts.dir, { recursive: true });
    args.push('--dir', opts.dir, '--appendonly', 'yes');
  } else {
    args.push('--appendonly', 'no');
  }
  const child = spawn(bin, args, { stdio: ['pipe', 'ignore', 'pipe'], detached: opts.ownProcessGroup ?? false });
  child.stdin!.on('error', () => {}); // it died first: the wait below says so
  child.stdin!.end(`requirepass "${password}"\n`);
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitFor(`redis-server on port ${port}`, async () => {
    if (exited) throw new Error(`redis-server exited (exit code ${child.exitCode})`);
    return ping(port, password);
  });
  return {
    url: `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    port,
    password,
    process: child,
    stop: () => stopChild(child),
  };
}

const resp = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

function ping(port: number, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ port, host: '127.0.0.1' }, () => sock.write(resp('AUTH', password) + resp('PING')));
    let answer = '';
    sock.on('data', (d) => {
      answer += d.toString();
      if (!answer.includes('+PONG') && !answer.includes('-')) return;
      sock.destroy();
      resolve(answer.includes('+PONG'));
    });
    sock.once('error', () => resolve(false));
  });
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
