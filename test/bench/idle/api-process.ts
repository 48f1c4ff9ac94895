// The real API as a child process (services/api/src/server.ts under tsx), so its CPU time can be
// read from /proc/<pid>/stat apart from the bench's own.
import { spawn } from 'node:child_process';
import { freePort, waitFor } from '@slotplane/embedded';
import { generateKey } from '@slotplane/secrets';

export interface ApiProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startApiProcess(root: string, env: { DATABASE_URL: string; REDIS_URL: string; QUEUE_PREFIX: string }): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/api/src/server.ts'], {
    cwd: root,
    env: { ...process.env, SECRETS_KEY: generateKey(), ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
    // Its own process group: a Ctrl-C reaches the bench, which stops the agents first.
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const onExit = () => child.kill('SIGKILL');
  process.on('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    if (gone()) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor('the API to answer /healthz', async () => {
      if (gone()) throw new Error(`the API exited (code ${child.exitCode}, signal ${child.signalCode})`);
      return (await fetch(`${url}/healthz`)).status === 200;
    }, { timeoutMs: 60_000, intervalMs: 50 });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: child.pid!, stop };
}
