/** Where the API serves the console: the one path both the build and the static handler agree on. */
export const CONSOLE_BASE = '/console/';
