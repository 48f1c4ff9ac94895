import { readFileSync, readdirSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../errors.ts';

/** The built admin console (services/console), served as static files. */
export interface ConsoleFiles {
  /** The Vite build's output directory. */
  dir: string;
  /** Where it is served, with a trailing slash: the base it was built for (e.g. "/console/"). */
  path: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));

/**
 * A handful of built files, read once when the API starts: a request is a lookup in a map, so no
 * path from a URL ever reaches the file system. Not part of the API's contract, so not in the
 * OpenAPI document. The console signs in with an API key in a header, so the files are public.
 */
export const consoleRoutes: FastifyPluginAsync<ConsoleFiles> = async (app, { dir, path }) => {
  const files = new Map(
    filesUnder(dir).map((file) => {
      const name = relative(dir, file).split('\\').join('/');
      return [name, { body: readFileSync(file), type: TYPES[extname(file)] ?? 'application/octet-stream', immutable: name.startsWith('assets/') }];
    }),
  );
  const index = files.get('index.html');
  if (!index) throw new Error(`${dir} holds no index.html: build the console first (services/console)`);
  const bare = path.replace(/\/$/, '');

  app.get(bare, { schema: { hide: true } }, async (_request, reply) => reply.redirect(path));
  app.get(`${path}*`, { schema: { hide: true } }, async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    // Every page is index.html (the console routes in the URL's hash); assets are exact.
    const file = name === '' || name === 'index.html' ? index : files.get(name);
    if (!file) throw new AppError('not_found', `no console file ${name}`);
    reply.header('content-type', file.type);
    reply.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    reply.header('x-content-type-options', 'nosniff');
    if (file === index) {
      // The console talks to this origin only, and is never framed (its buttons delete clusters).
      reply.header('content-security-policy', "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
      reply.header('x-frame-options', 'DENY');
    }
    return reply.send(file.body);
  });
};
