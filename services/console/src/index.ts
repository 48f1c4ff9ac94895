export { CONSOLE_BASE } from './base.ts';
export { DEFAULT_CONSOLE_DIR, buildConsole, consoleBuildIsFresh } from './build.ts';
