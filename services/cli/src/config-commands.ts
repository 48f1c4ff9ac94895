// `slotplane config`: show and write the tenant commands' config file.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { UsageError, type Command, type Options } from './command.ts';
import { CONFIG_FILE_HELP, SETTINGS, TenantConfig, configPathOf, readConfigFile, resolveSettings, writeConfigFile, type Setting } from './tenant-config.ts';
import { table } from './tenant-output.ts';

const FILE: Options = { config: { type: 'string' } };
/** What every tenant command takes: `config show` shows where each would come from with them. */
const CONNECTION: Options = { 'api-url': { type: 'string' }, 'api-key': { type: 'string' }, output: { type: 'string' }, config: { type: 'string' } };

/** The prefix `api-key list` shows: enough to tell keys apart, never the key. */
const masked = (key: string) => (key.length > 16 ? `${key.slice(0, 8)}…` : '…');

const settingOf = (flag: string) => (Object.keys(SETTINGS) as Setting[]).find((s) => SETTINGS[s].flag === flag);

export const CONFIG_COMMANDS: Record<string, Command> = {
  'config show': {
    usage: 'config show [--api-url URL] [--api-key KEY] [--output table|json] [--config PATH]',
    help: `What the tenant commands use here: the config file, and each setting with where it comes from, a flag given here, the environment or the file. The API key is masked.\n${CONFIG_FILE_HELP}`,
    options: CONNECTION,
    run: async (_args, values) => {
      const { path, settings } = resolveSettings(values);
      const shown = (s: Setting) => {
        const { value } = settings[s];
        return value === undefined ? null : s === 'apiKey' ? masked(value) : value;
      };
      const fromOf = (s: Setting) => (settings[s].value === undefined && s === 'output' ? 'default: table' : settings[s].from);
      if (settings.output.value === 'json') {
        const out = Object.fromEntries((Object.keys(SETTINGS) as Setting[]).map((s) => [s, { value: shown(s), from: fromOf(s) }]));
        console.log(JSON.stringify({ configFile: path, exists: existsSync(path), settings: out }, null, 2));
        return;
      }
      const rows = (Object.keys(SETTINGS) as Setting[]).map((s) => [SETTINGS[s].flag, shown(s) ?? '-', fromOf(s)]);
      console.log(`config file ${path}${existsSync(path) ? '' : ' (none yet)'}\n\n${table(['SETTING', 'VALUE', 'FROM'], rows)}`);
    },
  },
  'config set': {
    usage: 'config set <setting> <value> [--config PATH]',
    help: `Write a setting to the config file (created 0600, in a 0700 directory): api-url, api-key or output. A value of - is read from stdin, which keeps a key out of your shell history: slotplane config set api-key - < .data/api-key\n${CONFIG_FILE_HELP}`,
    options: FILE,
    args: ['setting', 'value'],
    run: async ([flag, given], values) => {
      const setting = settingOf(flag!);
      if (!setting) throw new UsageError(`no setting "${flag}": one of ${Object.values(SETTINGS).map((s) => s.flag).join(', ')}`);
      const value = given === '-' ? readFileSync(0, 'utf8').trim() : given!;
      const parsed = TenantConfig.shape[setting].safeParse(value);
      if (!parsed.success) throw new UsageError(`${flag} ${parsed.error.issues[0]!.message}`);
      const { path: named } = configPathOf(values);
      // A symlinked file (dotfiles) is written where it points, not replaced by a copy.
      const path = existsSync(named) ? realpathSync(named) : named;
      writeConfigFile(path, { ...readConfigFile(path), [setting]: parsed.data });
      console.log(`${flag} ${setting === 'apiKey' ? masked(value) : value} written to ${path}`);
      const variable = SETTINGS[setting].env;
      if (variable && process.env[variable]) console.error(`note: ${variable} is set here, and wins over the file`);
    },
  },
};
