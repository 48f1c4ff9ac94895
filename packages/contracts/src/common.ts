import { z } from 'zod';

/** A name clusters and tenants share the rules of: a DNS label. */
export const DnsLabel = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, 'must be a DNS label: lowercase letters, digits and "-", starting with a letter, not ending with "-"');

/** UUIDs are taken in any case and used lowercased, so every route treats them alike. */
export const Id = z
  .uuid()
  .overwrite((s) => s.toLowerCase())
  .describe('Opaque identifier (UUID).');

/**
 * A whole number in a query string or path, written in decimal digits: what the document
 * promises as "integer". z.coerce would also take "1e2", "0x10", " 7" or "".
 */
export const decimal = <T extends z.ZodType>(number: T) =>
  z.preprocess((v) => (typeof v === 'string' && /^-?(0|[1-9][0-9]{0,15})$/.test(v) ? Number(v) : v), number);
export const wholeNumber = () => z.number({ error: (i) => (i.input === undefined ? 'is required' : 'must be a whole number in decimal digits') }).int();
export const Timestamp = z.iso.datetime({ offset: true }).describe('RFC 3339 timestamp.');

/** The closed set of error codes every API error carries, with the HTTP status each maps to. */
export const errorStatus = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  quota_exceeded: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  name_taken: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  headers_too_large: 431,
  rate_limited: 429,
  internal: 500,
  not_implemented: 501,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof errorStatus;
export const ErrorCodeSchema = z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]);

export const QuotaName = z.enum(['clusters', 'nodes', 'memoryMb', 'webhooks', 'apiKeys']);
export type QuotaName = z.infer<typeof QuotaName>;

export const FieldError = z
  .object({
    field: z.string().describe('Where the bad value is, e.g. "body.shards" or "query.limit".'),
    message: z.string(),
  })
  .meta({ id: 'FieldError' });

/** RFC 9457 problem details, plus our `code` and the `requestId` to quote to support. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: ErrorCodeSchema,
    requestId: z.string(),
    instance: z.string().optional(),
    errors: z.array(FieldError).optional().describe('Every offending field, for validation errors.'),
    quota: z
      .object({
        name: QuotaName,
        limit: z.number().int(),
        used: z.number().int().describe('In use before this request.'),
        requested: z.number().int().describe('What this request would add.'),
      })
      .optional()
      .describe('For quota_exceeded: which quota, its limit, what is in use and what the request asked for.'),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;

export const PageQuery = z.object({
  limit: decimal(wholeNumber().min(1).max(100).default(20)).describe('Items per page (1-100).'),
  cursor: z.string().max(200).optional().describe('The nextCursor of the previous page.'),
});

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as ?cursor= to get the next page; null on the last page.'),
  });
}
