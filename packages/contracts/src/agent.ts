import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { Persistence, RedisConfig } from './clusters.ts';

/** One redis-server the control plane wants a host to run. */
export const AgentInstance = z
  .object({
    nodeId: Id,
    clusterId: Id,
    port: z.number().int().min(1).max(55535),
    password: z.string(),
    maxMemoryMb: z.number().int(),
    persistence: Persistence,
    redisConfig: RedisConfig,
  })
  .meta({ id: 'AgentInstance' });
export type AgentInstance = z.infer<typeof AgentInstance>;

export const AgentAssignments = z
  .object({
    version: z.string().describe('Changes whenever the list changes; pass it back as ?since= to long-poll.'),
    instances: z.array(AgentInstance),
  })
  .meta({ id: 'AgentAssignments' });
export type AgentAssignments = z.infer<typeof AgentAssignments>;

export const AssignmentsQuery = z.object({
  since: z.string().max(100).optional(),
  waitMs: z.coerce.number().int().min(0).max(60_000).default(0).describe('Hold the request up to this long until the list differs from `since`.'),
});

export const InstanceState = z.enum(['starting', 'running', 'stopping', 'exited']);
export const InstanceReport = z
  .object({
    nodeId: Id,
    port: z.number().int(),
    pid: z.number().int().nullable(),
    state: InstanceState,
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
  })
  .meta({ id: 'InstanceReport' });
export type InstanceReport = z.infer<typeof InstanceReport>;

export const AgentReport = z.object({ instances: z.array(InstanceReport) }).meta({ id: 'AgentReport' });
export type AgentReport = z.infer<typeof AgentReport>;

export const EnrollRequest = z
  .strictObject({
    name: z.string().min(1).max(63).regex(/^[a-zA-Z0-9][a-zA-Z0-9.-]*$/, 'letters, digits, "." and "-"'),
    address: z.string().min(1).max(253).describe('The address redis-servers on this host bind to and announce.'),
    zone: z.string().max(63).nullable().default(null),
    rack: z.string().max(63).nullable().default(null),
    portMin: z.number().int().min(1024).max(55535),
    portMax: z.number().int().min(1024).max(55535),
  })
  .refine((b) => b.portMax >= b.portMin, { message: 'portMax must be >= portMin', path: ['portMax'] })
  .meta({ id: 'EnrollRequest' });
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z
  .object({ hostId: Id, hostToken: z.string().describe('The credential of this host from now on; shown once.') })
  .meta({ id: 'EnrollResponse' });

export const Host = z
  .object({
    id: Id,
    name: z.string(),
    address: z.string(),
    zone: z.string().nullable(),
    rack: z.string().nullable(),
    portMin: z.number().int(),
    portMax: z.number().int(),
    lastHeartbeatAt: Timestamp.nullable(),
    instances: z.array(InstanceReport),
  })
  .meta({ id: 'Host' });
export type Host = z.infer<typeof Host>;

export const Credentials = z
  .object({
    username: z.string(),
    password: z.string(),
    endpoints: z.array(z.object({ host: z.string(), port: z.number().int() })),
  })
  .meta({ id: 'ClusterCredentials' });
