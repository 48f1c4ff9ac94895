import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliCommand, startApiHarness, type ApiHarness } from '@slotplane/testkit';
import { UsageError } from './command.ts';
import { CONFIG_COMMANDS } from './config-commands.ts';
import { configPathOf, connectionOf, readConfigFile } from './tenant-config.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'slotplane-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});
let n = 0;

/** A config file of its own holding `content` (an object is written as JSON), mode 0600. */
function configFile(content: unknown, mode = 0o600): string {
  const file = join(dir, `config-${n++}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content), { mode });
  chmodSync(file, mode);
  return file;
}

describe('where the tenant commands find the API', () => {
  const file = configFile({ apiUrl: 'http://file:1', apiKey: 'sp_from_file', output: 'json' });

  it('takes a flag over the environment over the config file', () => {
    const env = { SLOTPLANE_API_URL: 'http://env:1' };
    expect(connectionOf({ config: file, 'api-url': 'http://flag:1' }, env)).toEqual({ baseUrl: 'http://flag:1', apiKey: 'sp_from_file', output: 'json' });
    expect(connectionOf({ config: file }, env)).toEqual({ baseUrl: 'http://env:1', apiKey: 'sp_from_file', output: 'json' });
    expect(connectionOf({ config: file, output: 'table' }, { SLOTPLANE_API_URL: '', SLOTPLANE_API_KEY: 'sp_env' })).toEqual({ baseUrl: 'http://file:1', apiKey: 'sp_env', output: 'table' });
  });

  it('reads --config, else SLOTPLANE_CONFIG, else $XDG_CONFIG_HOME/slotplane, else ~/.config/slotplane', () => {
    expect(configPathOf({ config: '/a.json' }, { SLOTPLANE_CONFIG: '/b.json' })).toEqual({ path: '/a.json', named: true });
    expect(configPathOf({}, { SLOTPLANE_CONFIG: '/b.json', XDG_CONFIG_HOME: '/xdg' })).toEqual({ path: '/b.json', named: true });
    expect(configPathOf({}, { XDG_CONFIG_HOME: '/xdg' })).toEqual({ path: '/xdg/slotplane/config.json', named: false });
    expect(configPathOf({}, { XDG_CONFIG_HOME: 'relative' }).path).toBe(join(homedir(), '.config/slotplane/config.json'));
  });

  it('does without a default file that is not there, but not without one it was given', () => {
    expect(connectionOf({ 'api-url': 'http://flag:1', 'api-key': 'sp_flag' }, { XDG_CONFIG_HOME: join(dir, 'nothing-here') }).baseUrl).toBe('http://flag:1');
    expect(() => connectionOf({ 'api-url': 'http://flag:1', 'api-key': 'sp_flag' }, { SLOTPLANE_CONFIG: join(dir, 'missing.json') })).toThrow(/config file .*missing\.json: no such file/);
  });

  it('names the file and every bad field of a malformed one', () => {
    const bad = configFile({ apiUrl: 'localhost', apiKey: 42, outptu: 'json' });
    const err = (() => {
      try {
        readConfigFile(bad);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect(err!.message).toContain(`config file ${bad}:`);
    expect(err!.message).toMatch(/\n {2}apiUrl: must be the http\(s\) URL/);
    expect(err!.message).toMatch(/\n {2}apiKey: must be an API key/);
    expect(err!.message).toMatch(/\n {2}"outptu": not a setting/);
    expect(() => readConfigFile(configFile('{"apiUrl": '))).toThrow(/: not JSON/);
  });

  it('warns, as ssh does, when a file holding a key is open to other users', () => {
    const warn = vi.fn();
    readConfigFile(configFile({ apiKey: 'sp_x' }, 0o600), { warn });
    readConfigFile(configFile({ apiUrl: 'http://a:1' }, 0o644), { warn });
    expect(warn).not.toHaveBeenCalled();
    const open = configFile({ apiKey: 'sp_x' }, 0o640);
    expect(readConfigFile(open, { warn })).toEqual({ apiKey: 'sp_x' });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(`${open} holds an API key and is open to other users (mode 0640): chmod 600`));
  });
});

describe('slotplane config set and show', () => {
  const file = join(dir, 'made', 'slotplane', 'config.json');
  const run = (name: 'config set', args: string[]) => CONFIG_COMMANDS[name]!.run(args, { config: file });

  it('writes each setting to a 0600 file in a 0700 directory, keeping the others', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await run('config set', ['api-url', 'http://127.0.0.1:8080']);
    await run('config set', ['api-key', 'sp_0123456789abcdefghij']);
    await run('config set', ['output', 'json']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ apiUrl: 'http://127.0.0.1:8080', apiKey: 'sp_0123456789abcdefghij', output: 'json' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'made', 'slotplane')).mode & 0o777).toBe(0o700);
  });

  it('refuses a bad value or an unknown setting, changing nothing', async () => {
    const before = readFileSync(file, 'utf8');
    await expect(run('config set', ['api-url', 'localhost:8080'])).rejects.toThrow(/api-url must be the http\(s\) URL/);
    await expect(run('config set', ['colour', 'red'])).rejects.toThrow(/no setting "colour"/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('shows each setting and where it comes from, the key masked', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.stubEnv('SLOTPLANE_API_URL', 'http://env:1');
    vi.stubEnv('SLOTPLANE_API_KEY', '');
    // (The file says output json: a table is asked for here.)
    await CONFIG_COMMANDS['config show']!.run([], { config: file, output: 'table' });
    const shown = log.mock.calls.join('\n');
    expect(shown).toContain(`config file ${file}`);
    expect(shown).toMatch(/api-url\s+http:\/\/env:1\s+SLOTPLANE_API_URL/);
    expect(shown).toMatch(new RegExp(`api-key\\s+sp_01234…\\s+${file}`));
    expect(shown).not.toContain('sp_0123456789abcdefghij');
  });

  it('takes the flags every tenant command takes, shows what a flag gives, and prints JSON when asked', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.stubEnv('SLOTPLANE_API_URL', 'http://env:1');
    await CONFIG_COMMANDS['config show']!.run([], { config: file, 'api-url': 'http://flag:2', output: 'json' });
    const shown = JSON.parse(String(log.mock.calls.at(-1)![0]));
    expect(shown).toMatchObject({ configFile: file, exists: true, settings: { apiUrl: { value: 'http://flag:2', from: '--api-url' }, output: { value: 'json', from: '--output' } } });
    expect(JSON.stringify(shown)).not.toContain('sp_0123456789abcdefghij');
  });
});

describe('the slotplane binary configured by the config file alone', () => {
  let h: ApiHarness;
  let auth: { authorization: string };
  let apiUrl: string;
  beforeAll(async () => {
    h = await startApiHarness();
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    ({ auth } = await h.tenant());
    apiUrl = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => h?.close());

  /** Runs `slotplane <args>` with no SLOTPLANE_* variables: XDG_CONFIG_HOME is `xdg`. */
  function slotplane(xdg: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: xdg };
    for (const name of ['SLOTPLANE_API_URL', 'SLOTPLANE_API_KEY', 'SLOTPLANE_CONFIG']) delete env[name];
    return new Promise((resolve) => {
      execFile(...cliCommand(args), { cwd: root, env }, (error, out, err) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
      );
    });
  }

  /** An XDG config home whose slotplane/config.json holds `content`, mode 0600. */
  function xdgHolding(content: string): string {
    const xdg = mkdtempSync(join(dir, 'xdg-'));
    mkdirSync(join(xdg, 'slotplane'), { mode: 0o700 });
    writeFileSync(join(xdg, 'slotplane', 'config.json'), content, { mode: 0o600 });
    return xdg;
  }

  it('creates a cluster with the URL, key and output of the file', async () => {
    const xdg = xdgHolding(JSON.stringify({ apiUrl, apiKey: auth.authorization.replace('Bearer ', ''), output: 'json' }));
    const res = await slotplane(xdg, ['clusters', 'create', 'from-file', '--shards', '1', '--replicas', '0']);
    expect(res.code, res.err).toBe(0);
    expect(res.err).toBe('');
    const { cluster } = JSON.parse(res.out);
    expect(cluster).toMatchObject({ name: 'from-file', spec: { shards: 1 } });
    const got = await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}`, headers: auth });
    expect(got.statusCode).toBe(200);
  });

  it('refuses a malformed file with exit 2, naming the file and the field, sending nothing', async () => {
    const xdg = xdgHolding(JSON.stringify({ apiUrl, apiKey: 42 }));
    const res = await slotplane(xdg, ['clusters', 'create', 'never', '--shards', '1', '--replicas', '0']);
    expect(res.code).toBe(2);
    expect(res.err).toContain(`config file ${join(xdg, 'slotplane', 'config.json')}: apiKey: must be an API key`);
    expect(res.err).toContain('usage: slotplane clusters create');
    const list = (await h.app.inject({ method: 'GET', url: '/v1/clusters', headers: auth })).json() as { items: { name: string }[] };
    expect(list.items.map((c) => c.name)).not.toContain('never');
  });
});
