import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyPluginAsync } from 'fastify';
import type { ApiDeps } from '../app.ts';
import { bearerToken, principalOf } from '../auth.ts';
import { AppError, sendProblem } from '../errors.ts';

const BASE = '/admin/queues';

/** The password of `Authorization: Basic …` (what a browser sends after its login prompt). */
const basicPassword = (header: string | undefined) => {
  const encoded = header?.match(/^Basic\s+(\S+)$/i)?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString();
  return decoded.includes(':') ? decoded.slice(decoded.indexOf(':') + 1) : undefined;
};

/**
 * The bull-board UI over every queue, for admin keys: sent as a Bearer token, or typed as the
 * password at the browser's login prompt (any user name). Not part of the API's contract, so
 * not in the OpenAPI document.
 */
export const queueBoard: FastifyPluginAsync<ApiDeps> = async (app, { database, queues = [] }) => {
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  // bull-board answers errors with its own handler: refusals are sent from here.
  app.addHook('onRequest', async (request, reply) => {
    const key = bearerToken(request.headers.authorization) ?? basicPassword(request.headers.authorization);
    if (!key) {
      reply.header('www-authenticate', 'Basic realm="Slotplane queues", charset="UTF-8"');
      return sendProblem(request, reply, new AppError('unauthorized', 'the queue UI needs an admin API key: as "Authorization: Bearer <key>", or as the password of the login prompt'));
    }
    const principal = await principalOf(database.db, key).catch((err: unknown) => {
      if (err instanceof AppError) return err;
      throw err;
    });
    if (principal instanceof AppError) return sendProblem(request, reply, principal);
    if (principal.scope !== 'admin') return sendProblem(request, reply, new AppError('forbidden', 'the queue UI needs an admin API key'));
  });
  const adapter = new FastifyAdapter();
  adapter.setBasePath(BASE);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter, options: { uiConfig: { boardTitle: 'Slotplane queues' } } });
  await app.register(adapter.registerPlugin(), { prefix: BASE });
};
