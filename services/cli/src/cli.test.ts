import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cliCommand } from '@slotplane/testkit';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'slotplane-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs `slotplane <args>` on the embedded database in a data dir of its own. */
function slotplane(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(...cliCommand(args), { cwd: root, env }, (error, out, err) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
    );
  });
}

describe('slotplane CLI', () => {
  it('--help works for the tool and every command', { timeout: 180_000 }, async () => {
    const top = await slotplane('--help');
    expect(top.code).toBe(0);
    const commands = [...top.out.matchAll(/^ {2}([a-z-]+(?: [a-z-]+)?)(?= |$)/gm)].map((m) => m[1]!.split(' ').filter((w) => !w.startsWith('<')));
    expect(commands.length).toBeGreaterThanOrEqual(5);
    const answers = await Promise.all(commands.map((words) => slotplane(...words, '--help')));
    answers.forEach((res, i) => {
      const words = commands[i]!.join(' ');
      expect(res.code, words).toBe(0);
      expect(res.out, words).toContain(`usage: slotplane ${words}`);
    });
  });

  it('refuses a bad tenant name or scope with exit 2 and the reason, creating nothing', async () => {
    const bad = await slotplane('tenant', 'create', 'Bad Name!');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('must be a DNS label');
    expect((await slotplane('tenant', 'create', 'ok', '--scope', 'root')).err).toContain('--scope must be one of');
    expect((await slotplane('api-key', 'list', 'ok')).err).toContain('no tenant named "ok"');
  });

  it('creates a tenant, lists its keys without showing them, and revokes one', { timeout: 60_000 }, async () => {
    const made = await slotplane('tenant', 'create', 'acme', '--scope', 'read');
    expect(made.code).toBe(0);
    const key = /(sp_\S+)/.exec(made.out)![1]!;
    const listed = await slotplane('api-key', 'list', 'acme');
    expect(listed.out).toContain(key.slice(0, 8));
    expect(listed.out).not.toContain(key);
    expect(listed.out).toMatch(/ read .* live/);
    const id = listed.out.split(/\s+/)[0]!;
    expect((await slotplane('api-key', 'revoke', id)).code).toBe(0);
    expect((await slotplane('api-key', 'list', 'acme')).out).toContain('revoked');
  });

  it('refuses while another process holds the embedded database, and takes over a stale lock', { timeout: 60_000 }, async () => {
    const lock = join(dataDir, 'pg.lock');
    writeFileSync(lock, String(process.pid));
    const refused = await slotplane('tenant', 'create', 'blocked');
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain(`in use by another slotplane process (pid ${process.pid}`);
    writeFileSync(lock, '999999999');
    expect((await slotplane('tenant', 'create', 'unblocked')).code).toBe(0);
  });
});
