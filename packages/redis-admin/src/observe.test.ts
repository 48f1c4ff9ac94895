import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_COMMAND_TIMEOUT_MS, NodeAdmin } from './index.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('observing a node that is frozen (SIGSTOP: it accepts connections and never answers)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slotplane-frozen-'));
  let port: number;
  let server: ReturnType<typeof spawn>;
  let kept: NodeAdmin;
  const address = () => ({ host: '127.0.0.1', port, username: 'default', password: 'pw' });

  beforeAll(async () => {
    port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--cluster-enabled', 'yes', '--dir', dir, '--requirepass', 'pw'], { stdio: 'ignore' });
    kept = new NodeAdmin(address());
    for (let i = 0; i < 100 && !(await kept.observe()).reachable; i++) await new Promise((r) => setTimeout(r, 50));
    process.kill(server.pid!, 'SIGSTOP');
  });
  afterAll(() => {
    kept?.close();
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  // A reconcile pass opens its connections afresh: its observation of a frozen primary must not
  // wait out the AUTH and ready-check timeouts before its own (the cluster said "available" meanwhile).
  it('is unreachable within one command timeout, on a fresh connection as on a kept one', async () => {
    for (const admin of [kept, new NodeAdmin(address())]) {
      const started = Date.now();
      expect(await admin.observe()).toMatchObject({ reachable: false, error: expect.stringMatching(/timed out/) });
      expect(Date.now() - started).toBeLessThan(2 * NODE_COMMAND_TIMEOUT_MS);
      if (admin !== kept) admin.close();
    }
  });
});
