import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import { EventPage, EventQuery } from '@slotplane/contracts';
import type { ApiDeps } from '../app.ts';
import { visibleTenant, type Principal } from '../auth.ts';
import { AppError, problems } from '../errors.ts';
import { EventTail } from '../event-tail.ts';
import { eventCursor, logHorizon, positionOf, readEvents, type EventFilter } from '../store/events.ts';
import { DEFAULT_LIMITS } from '../store/tenants.ts';

const tags = ['events'];
const security = [{ bearerAuth: [] }];
/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

export const eventRoutes: FastifyPluginAsyncZod<ApiDeps & { registry?: Registry }> = async (app, { database, streaming = true, registry, limits = DEFAULT_LIMITS }) => {
  /** Streams open on this instance, per API key. */
  const openPerKey = new Map<string, number>();
  const tail = new EventTail(database);
  const clients = new Gauge({ name: 'slotplane_event_stream_clients', help: 'Event streams open on this API instance.', registers: registry ? [registry] : [] });
  app.addHook('onClose', () => tail.close());
  const filterOf = (principal: Principal, q: { clusterId?: string | undefined; type?: EventFilter['types'] }): EventFilter => ({
    tenantId: visibleTenant(principal),
    clusterId: q.clusterId,
    types: q.type,
  });

  app.get(
    '/v1/events',
    {
      schema: {
        tags, security, operationId: 'listEvents',
        summary: 'Read the event log from a cursor: every event exactly once, in order (an admin key sees every tenant and the hosts)',
        querystring: EventQuery,
        response: { 200: EventPage, ...problems('validation_failed', 'unauthorized') },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      return readEvents(database.db, filterOf(request.principal, filter), cursor, limit);
    },
  );

  app.get(
    '/v1/events/stream',
    {
      schema: {
        tags, security, operationId: 'streamEvents',
        summary: 'The event log live, as Server-Sent Events; resumes after Last-Event-ID (or ?cursor=)',
        description:
          'Each event is sent as `id:` (its cursor), `event:` (its type) and `data:` (the event JSON), in the order of GET /v1/events; a comment line every 15 s keeps the connection open. Reconnect with the last id in Last-Event-ID to get every later event exactly once. Events written through any API instance or worker reach every stream (Postgres NOTIFY wakes them; the log in Postgres is what they send). Not available through the serverless adapter, whose responses are buffered: poll GET /v1/events there. A key holds at most EVENT_STREAMS_PER_KEY streams (default 10) open at once on one API instance; another is a 429.',
        querystring: EventQuery.omit({ limit: true }),
        headers: z.object({ 'last-event-id': z.string().max(100).optional() }),
        response: { 200: z.string().describe('text/event-stream'), ...problems('validation_failed', 'unauthorized', 'rate_limited', 'not_implemented') },
      },
    },
    async (request, reply) => {
      if (!streaming) throw new AppError('not_implemented', 'event streams need a long-lived connection, which this deployment (serverless, buffered responses) cannot hold: poll GET /v1/events with its nextCursor');
      const { cursor: fromQuery, ...query } = request.query;
      const filter = filterOf(request.principal, query);
      const lastEventId = request.headers['last-event-id'];
      // A bad cursor is a 400 before the stream starts; 'now' is the log's end when the client
      // sees the stream open (resolved before the headers go out, so nothing after is missed).
      positionOf(lastEventId, 'headers.last-event-id');
      if (fromQuery !== 'now') positionOf(fromQuery);
      const from = lastEventId ?? (fromQuery === 'now' ? eventCursor(await logHorizon(database.db)) : fromQuery);
      const { keyId } = request.principal;
      const open = openPerKey.get(keyId) ?? 0;
      if (open >= limits.streamsPerKey) {
        throw new AppError('rate_limited', `this API key has ${open} event streams open here, its limit (EVENT_STREAMS_PER_KEY): close one, or read GET /v1/events`);
      }
      openPerKey.set(keyId, open + 1);
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      out.write(': slotplane events\n\n');
      let lastWrite = Date.now();
      const heartbeat = setInterval(() => {
        if (Date.now() - lastWrite < HEARTBEAT_MS) return;
        out.write(': keepalive\n\n');
        lastWrite = Date.now();
      }, 1000);
      let unfollow: (() => void) | undefined;
      let closed = false;
      clients.inc();
      request.raw.on('close', () => {
        closed = true;
        clients.dec();
        const left = (openPerKey.get(keyId) ?? 1) - 1;
        if (left > 0) openPerKey.set(keyId, left);
        else openPerKey.delete(keyId);
        clearInterval(heartbeat);
        unfollow?.();
      });
      try {
        // The process's one tail of the log hands this stream its events, in order, each once.
        unfollow = await tail.follow(filter, from, (events) => {
          for (const e of events) out.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
          lastWrite = Date.now();
        });
        if (closed) unfollow();
      } catch (err) {
        request.log.warn({ err }, 'event stream ended');
        clearInterval(heartbeat);
        out.end();
      }
    },
  );
};
