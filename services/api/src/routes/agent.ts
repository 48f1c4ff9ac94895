import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AgentAssignments, AgentReport, AssignmentsQuery, EnrollRequest, EnrollResponse, Heartbeat, HeartbeatResult, ReportResult } from '@slotplane/contracts';
import { ASSIGNMENTS_CHANNEL } from '@slotplane/db';
import type { ApiDeps } from '../app.ts';
import { bearerToken } from '../auth.ts';
import { AppError, problems } from '../errors.ts';
import { WindowCounter } from '../rate-limit.ts';
import { DEFAULT_LIMITS } from '../store/tenants.ts';
import { ChannelSignals } from '../signals.ts';
import { authenticateHost, enrollHost, hostAssignments, recordHeartbeat, recordReport } from '../store/hosts.ts';

const tags = ['agents'];
const security = [{ bearerAuth: [] }];

/** The only door agents have into the control plane: enroll, read assignments, report, heartbeat. */
export const agentRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, { database, queue, secrets, limits = DEFAULT_LIMITS }) => {
  const db = database.db;
  const signals = new ChannelSignals(database, ASSIGNMENTS_CHANNEL);
  app.addHook('onClose', () => signals.close());

  // An agent makes about three requests a second (heartbeat, report, long-poll); a credential that
  // makes far more is refused for the rest of the minute. A client address whose credentials are
  // refused again and again (guessing one would hand it a host's assignments) is refused outright.
  const perCredential = new WindowCounter(limits.agentRequestsPerMinute);
  const refusals = new WindowCounter(limits.agentAuthFailuresPerMinute);
  const tooMany = (counter: WindowCounter, key: string, reply: FastifyReply, what: string) => {
    reply.header('retry-after', counter.retryAfter(key));
    return new AppError('rate_limited', `${what}; retry in ${counter.retryAfter(key)} s`);
  };
  app.addHook('onRequest', async (request, reply) => {
    const address = `ip:${request.ip}`;
    if (refusals.over(address)) throw tooMany(refusals, address, reply, `more than ${refusals.max} refused credentials in a minute from your address`);
    const token = bearerToken(request.headers.authorization);
    const key = token ? `token:${createHash('sha256').update(token).digest('hex').slice(0, 32)}` : address;
    if (perCredential.hit(key)) throw tooMany(perCredential, key, reply, `more than ${perCredential.max} agent requests in a minute with this credential`);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode === 401) refusals.hit(`ip:${request.ip}`);
  });

  app.post(
    '/v1/agent/enroll',
    {
      schema: {
        tags, security, operationId: 'enrollHost',
        summary: 'Register a new host with an enrollment token (Bearer; each enrolls one host, once, before it expires); returns the host credential. A name already enrolled is refused (409) and the token stays unused.',
        body: EnrollRequest,
        response: { 200: EnrollResponse, ...problems('validation_failed', 'unauthorized', 'name_taken') },
      },
    },
    async (request) => {
      return enrollHost(db, bearerToken(request.headers.authorization) ?? '', request.body);
    },
  );

  app.get(
    '/v1/agent/assignments',
    {
      schema: {
        tags, security, operationId: 'getAssignments', summary: 'The instances this host should run (long-poll with since + waitMs; woken by a change)',
        querystring: AssignmentsQuery,
        response: { 200: AgentAssignments, ...problems('validation_failed', 'unauthorized') },
      },
    },
    async (request, reply) => {
      const host = await authenticateHost(db, request.headers.authorization);
      const deadline = Date.now() + request.query.waitMs;
      // The agent hung up (or the reply went out): stop waiting.
      const gone = new AbortController();
      reply.raw.once('close', () => gone.abort());
      for (let waited = false; ; waited = true) {
        const signal = await signals.subscribe(host.id);
        const current = await hostAssignments(db, secrets, host.id);
        const left = deadline - Date.now();
        if (current.version !== request.query.since || left <= 0 || gone.signal.aborted) {
          signal.cancel();
          // The host may have been revoked (or its credential rotated) while the poll waited: no passwords for it then.
          if (waited) await authenticateHost(db, request.headers.authorization);
          return current;
        }
        await signal.changed(left, gone.signal);
      }
    },
  );

  app.put(
    '/v1/agent/report',
    {
      schema: {
        tags, security, operationId: 'reportInstances', summary: 'What runs on this host now; sent on every change, numbered by boot id and seq. Names only nodes placed on this host, each once, on its own port (else 400 naming the field).',
        body: AgentReport,
        response: { 200: ReportResult, ...problems('validation_failed', 'unauthorized') },
      },
    },
    async (request) => {
      const host = await authenticateHost(db, request.headers.authorization);
      const { recorded, changedClusters } = await recordReport(db, host.id, request.body);
      // A node that started, stopped or exited is news for its cluster's reconcile loop.
      for (const clusterId of changedClusters) {
        await queue.enqueue(clusterId).catch((err: unknown) => request.log.warn({ err, clusterId }, 'enqueue failed; the sweeper will pick the cluster up'));
      }
      return { recorded };
    },
  );

  app.post(
    '/v1/agent/heartbeat',
    {
      schema: {
        tags, security, operationId: 'heartbeat', summary: 'The host is alive (one cheap call a second); says whether to resend the last report',
        body: Heartbeat,
        response: { 200: HeartbeatResult, ...problems('validation_failed', 'unauthorized') },
      },
    },
    async (request) => recordHeartbeat(db, request.headers.authorization, request.body.bootId, request.body.seq, request.body.disk),
  );
};
