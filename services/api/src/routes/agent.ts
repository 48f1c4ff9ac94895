import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AgentAssignments, AgentReport, AssignmentsQuery, EnrollRequest, EnrollResponse } from '@slotplane/contracts';
import { z } from 'zod';
import type { ApiDeps } from '../app.ts';
import { bearerToken } from '../auth.ts';
import { problems } from '../errors.ts';
import { authenticateHost, enrollHost, hostAssignments, recordReport } from '../store/hosts.ts';

const tags = ['agents'];
const security = [{ bearerAuth: [] }];
const POLL_MS = 100;

/** The only door agents have into the control plane: enroll, read assignments, report. */
export const agentRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, { database }) => {
  const db = database.db;

  app.post(
    '/v1/agent/enroll',
    {
      schema: {
        tags, security, operationId: 'enrollHost', summary: 'Register a host with an enrollment token (Bearer); returns the host credential',
        body: EnrollRequest,
        response: { 200: EnrollResponse, ...problems('validation_failed', 'unauthorized') },
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
        tags, security, operationId: 'getAssignments', summary: 'The instances this host should run (long-poll with since + waitMs)',
        querystring: AssignmentsQuery,
        response: { 200: AgentAssignments, ...problems('validation_failed', 'unauthorized') },
      },
    },
    async (request) => {
      const host = await authenticateHost(db, request.headers.authorization);
      const deadline = Date.now() + request.query.waitMs;
      for (;;) {
        const current = await hostAssignments(db, host.id);
        if (current.version !== request.query.since || Date.now() >= deadline || request.raw.destroyed) return current;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    },
  );

  app.put(
    '/v1/agent/report',
    {
      schema: {
        tags, security, operationId: 'reportInstances', summary: 'What runs on this host now (on every change and as a heartbeat)',
        body: AgentReport,
        response: { 200: z.object({ ok: z.literal(true) }), ...problems('validation_failed', 'unauthorized') },
      },
    },
    async (request) => {
      const host = await authenticateHost(db, request.headers.authorization);
      await recordReport(db, host.id, request.body.instances);
      return { ok: true as const };
    },
  );
};
