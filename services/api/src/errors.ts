import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { errorStatus, Problem, type ErrorCode } from '@slotplane/contracts';

type FieldError = { field: string; message: string };

/** The one error type handlers throw; the error handler turns it into problem+json. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'AppError';
  }
  get status(): number {
    return errorStatus[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);

const titles: Record<ErrorCode, string> = {
  validation_failed: 'Your request is not valid',
  unauthorized: 'Authentication required',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  conflict: 'Conflict with the current state',
  name_taken: 'Name already in use',
  payload_too_large: 'Request body too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  internal: 'Internal error',
  not_implemented: 'Not available here',
  unavailable: 'Service unavailable',
};

/** Response schemas for the error statuses a route can return. */
export function problems(...codes: ErrorCode[]) {
  const out: Record<number, typeof Problem> = {};
  for (const code of [...codes, 'internal' as const]) out[errorStatus[code]] = Problem;
  return out;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, err: AppError) {
  const body: Problem = {
    type: `urn:slotplane:problem:${err.code}`,
    title: titles[err.code],
    status: err.status,
    detail: err.detail,
    code: err.code,
    requestId: String(request.id),
    instance: request.url,
    ...(err.errors ? { errors: err.errors } : {}),
  };
  return reply.status(err.status).type('application/problem+json').send(body);
}

const locations: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

/** Turns Fastify's schema validation failure into one field error per offending field. */
function fieldErrors(err: FastifyError): FieldError[] {
  const where = locations[err.validationContext ?? 'body'] ?? 'body';
  const out: FieldError[] = [];
  for (const v of err.validation ?? []) {
    const base = [where, ...v.instancePath.split('/').filter(Boolean)].join('.');
    const keys = (v.params as { keys?: unknown } | undefined)?.keys;
    if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      for (const key of keys) out.push({ field: `${base}.${String(key)}`, message: 'is not a known field' });
    } else if (v.keyword === 'invalid_type' && v.message?.endsWith('received undefined')) {
      out.push({ field: base, message: 'is required' });
    } else {
      out.push({ field: base, message: v.message ?? 'is invalid' });
    }
  }
  return out;
}

export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) return sendProblem(request, reply, err);
    if (hasZodFastifySchemaValidationErrors(err) || err.validation) {
      const errors = fieldErrors(err);
      const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
      return sendProblem(request, reply, new AppError('validation_failed', detail, errors));
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err }, 'response did not match its schema');
      return sendProblem(request, reply, new AppError('internal', 'the server produced an invalid response'));
    }
    const status = err.statusCode ?? 500;
    if (status === 415) return sendProblem(request, reply, new AppError('unsupported_media_type', err.message));
    if (status === 413) return sendProblem(request, reply, new AppError('payload_too_large', err.message));
    if (status >= 400 && status < 500) {
      return sendProblem(request, reply, new AppError('validation_failed', err.message, [{ field: 'body', message: err.message }]));
    }
    request.log.error({ err }, 'unhandled error');
    return sendProblem(request, reply, new AppError('internal', 'something went wrong on our side; quote the requestId to support'));
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new AppError('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`)),
  );
}
