import type { ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

/** One `slotplane` command: its line in the usage, its help, its flags and positionals. */
export interface Command {
  usage: string;
  help: string;
  options?: Options;
  /** Positionals after the command's words, in order. */
  args?: string[];
  run(args: string[], values: Values): Promise<void>;
}

/** Bad usage: printed with the command's usage, exit 2. */
export class UsageError extends Error {}
