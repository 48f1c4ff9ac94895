export { CONSOLE_BASE } from './base.ts';
export { buildConsole, consoleBuildIsFresh } from './build.ts';
