import { z } from 'zod';
import { DnsLabel, Id, Timestamp } from './common.ts';

/**
 * What an API key may do. read: GET its tenant's resources; write: also change them (clusters,
 * webhooks, its tenant's read and write keys); admin: the whole fleet (tenants, hosts, every
 * tenant's clusters and events, metrics).
 */
export const KeyScope = z.enum(['read', 'write', 'admin']);
export type KeyScope = z.infer<typeof KeyScope>;

export const TenantName = DnsLabel.describe('DNS-label-like name, unique.');

export const KeyName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\w .:@-]+$/, 'may hold letters, digits, spaces and . _ : @ - only')
  .describe('What the key is for, e.g. "ci deploy"; shown when keys are listed.');

/** The limits a tenant works within. Omitted or null: the operator's default. */
const quotaFields = {
  maxClusters: z.number().int().min(0).max(10_000).nullable().optional().describe('Clusters not being deleted.'),
  maxNodes: z.number().int().min(0).max(100_000).nullable().optional().describe('redis-server processes over all clusters: shards x (1 + replicas).'),
  maxMemoryMb: z.number().int().min(0).max(1_000_000_000).nullable().optional().describe('maxmemory summed over every node, MiB.'),
};

export const Usage = z
  .object({
    clusters: z.number().int(),
    nodes: z.number().int(),
    memoryMb: z.number().int(),
  })
  .meta({ id: 'Usage' });
export type Usage = z.infer<typeof Usage>;

export const Tenant = z
  .object({
    id: Id,
    name: z.string(),
    quotas: Usage.describe('The limits in force (the tenant\'s own, else the defaults).'),
    usage: Usage.describe('What the tenant uses now.'),
    createdAt: Timestamp,
  })
  .meta({ id: 'Tenant' });
export type Tenant = z.infer<typeof Tenant>;

export const CreateTenantBody = z
  .strictObject({ name: TenantName, ...quotaFields })
  .meta({ id: 'CreateTenantBody' });
export type CreateTenantBody = z.infer<typeof CreateTenantBody>;

export const PatchTenantBody = z
  .strictObject(quotaFields)
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one quota to change' })
  .meta({ id: 'PatchTenantBody' });
export type PatchTenantBody = z.infer<typeof PatchTenantBody>;

export const TenantIdParams = z.object({ tenantId: Id });

export const ApiKey = z
  .object({
    id: Id,
    tenantId: Id,
    prefix: z.string().describe('The first characters of the key, to tell keys apart.'),
    name: z.string().nullable(),
    scope: KeyScope,
    createdAt: Timestamp,
    lastUsedAt: Timestamp.nullable().describe('To the minute.'),
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof ApiKey>;

export const CreatedApiKey = ApiKey.extend({
  key: z.string().describe('The key: shown this once. Send it as `Authorization: Bearer <key>`.'),
}).meta({ id: 'CreatedApiKey' });

export const CreateApiKeyBody = z
  .strictObject({
    scope: KeyScope.default('write').describe('read, write, or admin (admin keys can only be made with an admin key).'),
    name: KeyName.optional(),
    tenantId: Id.optional().describe("Admin keys only: make the key for this tenant (default: the caller's)."),
  })
  .meta({ id: 'CreateApiKeyBody' });
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const ApiKeyIdParams = z.object({ keyId: Id });
