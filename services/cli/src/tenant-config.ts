// Where the tenant commands find the API: a flag, else the environment, else the config file.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { UsageError, type Values } from './command.ts';
import { writePrivateFile } from './private-files.ts';

/** The config file: every setting optional, no others (a misspelt one is an error, not ignored). */
export const TenantConfig = z.strictObject({
  apiUrl: z.url({ protocol: /^https?$/, error: 'must be the http(s) URL of the API, e.g. "http://127.0.0.1:8080"' }).optional(),
  apiKey: z.string({ error: 'must be an API key (a string)' }).min(1, { error: 'must be an API key, not empty' }).optional(),
  output: z.enum(['table', 'json'], { error: 'must be "table" or "json"' }).optional(),
});
export type TenantConfig = z.infer<typeof TenantConfig>;
export type Setting = keyof TenantConfig;

/** Each setting: its flag (also its name in `config set`) and its environment variable. */
export const SETTINGS: Record<Setting, { flag: string; env?: string }> = {
  apiUrl: { flag: 'api-url', env: 'SLOTPLANE_API_URL' },
  apiKey: { flag: 'api-key', env: 'SLOTPLANE_API_KEY' },
  output: { flag: 'output' },
};

export const CONFIG_FILE_HELP =
  'Config file: --config PATH, else SLOTPLANE_CONFIG, else $XDG_CONFIG_HOME/slotplane/config.json (~/.config/slotplane/config.json), e.g. {"apiUrl": "http://127.0.0.1:8080", "apiKey": "sp_...", "output": "table"}.';

/** An empty variable counts as unset, as `SLOTPLANE_API_KEY= slotplane ...` means. */
const envOf = (env: NodeJS.ProcessEnv, name: string | undefined) => (name && env[name]) || undefined;

/**
 * The config file: --config, else SLOTPLANE_CONFIG, else $XDG_CONFIG_HOME/slotplane/config.json
 * (~/.config when unset or relative, as the XDG spec says). `named`: the user chose it, so it must exist.
 */
export function configPathOf(values: Values, env: NodeJS.ProcessEnv = process.env): { path: string; named: boolean } {
  const named = (values.config as string | undefined) || envOf(env, 'SLOTPLANE_CONFIG');
  if (named) return { path: named, named: true };
  const xdg = envOf(env, 'XDG_CONFIG_HOME');
  return { path: join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.config'), 'slotplane', 'config.json'), named: false };
}

/** Bad config, exit 2: one problem on the line, several one a line under it. */
const problem = (path: string, ...what: string[]) =>
  new UsageError(`config file ${path}:${what.length === 1 ? ` ${what[0]}` : what.map((w) => `\n  ${w}`).join('')}`);

/**
 * The settings in `path`, validated; {} when there is no file and none was named. Warns (as ssh
 * does with a key file) when a file holding an API key is open to other users.
 */
export function readConfigFile(path: string, { named = false, warn = (line: string) => console.error(line) } = {}): TenantConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !named) return {};
    throw problem(path, code === 'ENOENT' ? 'no such file' : `cannot read it (${code})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw problem(path, `not JSON (${(err as Error).message}); write it like {"apiUrl": "http://127.0.0.1:8080", "apiKey": "sp_..."}`);
  }
  const parsed = TenantConfig.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `${issue.keys.map((k) => `"${k}"`).join(', ')}: not a setting (the settings: ${Object.keys(SETTINGS).join(', ')})`
        : issue.path.length
          ? `${issue.path.join('.')}: ${issue.message}`
          : `must be a JSON object like {"apiUrl": "http://127.0.0.1:8080", "apiKey": "sp_..."}`,
    );
    throw problem(path, ...fields);
  }
  const mode = statSync(path).mode & 0o777;
  if (parsed.data.apiKey && mode & 0o077) {
    warn(`warning: config file ${path} holds an API key and is open to other users (mode ${mode.toString(8).padStart(4, '0')}): chmod 600 ${path}`);
  }
  return parsed.data;
}

/** Writes `config` to `path` as a 0600 file (its directory 0700), atomically. */
export function writeConfigFile(path: string, config: TenantConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writePrivateFile(path, JSON.stringify(config, null, 2));
}

/** A setting's value and where it came from: its flag, its variable, the file, or the default. */
export interface Resolved {
  value: string | undefined;
  from: string;
}

/** Every setting as the tenant commands see it: flag > environment > config file (read once). */
export function resolveSettings(values: Values, env: NodeJS.ProcessEnv = process.env): { path: string; settings: Record<Setting, Resolved> } {
  const { path, named } = configPathOf(values, env);
  const file = readConfigFile(path, { named });
  const resolve = (setting: Setting): Resolved => {
    const { flag, env: variable } = SETTINGS[setting];
    const fromFlag = values[flag] as string | undefined;
    if (fromFlag !== undefined) return { value: fromFlag, from: `--${flag}` };
    const fromEnv = envOf(env, variable);
    if (fromEnv !== undefined) return { value: fromEnv, from: variable! };
    if (file[setting] !== undefined) return { value: file[setting], from: path };
    return { value: undefined, from: 'unset' };
  };
  return { path, settings: { apiUrl: resolve('apiUrl'), apiKey: resolve('apiKey'), output: resolve('output') } };
}

export interface Connection {
  baseUrl: string;
  apiKey: string;
  output: 'table' | 'json';
}

/** The API and the output format to use, or a UsageError saying which setting is missing or wrong. */
export function connectionOf(values: Values, env: NodeJS.ProcessEnv = process.env): Connection {
  const { path, settings } = resolveSettings(values, env);
  const { apiUrl, apiKey, output } = settings;
  const where = (flag: string, variable: string, setting: Setting, example: string) =>
    `set ${variable}, give --${flag}, or run \`slotplane config set ${flag} ${example}\` (writes ${setting} to ${path})`;
  if (!apiUrl.value) throw new UsageError(`no API URL: ${where('api-url', 'SLOTPLANE_API_URL', 'apiUrl', 'http://127.0.0.1:8080')}`);
  if (!URL.canParse(apiUrl.value)) throw new UsageError(`API URL "${apiUrl.value}" (from ${apiUrl.from}) is not a URL`);
  if (!apiKey.value) throw new UsageError(`no API key: ${where('api-key', 'SLOTPLANE_API_KEY', 'apiKey', '- < .data/api-key')}`);
  const format = output.value ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--output must be table or json, not "${format}"`);
  return { baseUrl: apiUrl.value, apiKey: apiKey.value, output: format };
}
