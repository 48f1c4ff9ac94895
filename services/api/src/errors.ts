import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
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
    /** For quota_exceeded: which quota, its limit and use. */
    readonly quota?: Problem['quota'],
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
  quota_exceeded: 'Quota exceeded',
  precondition_failed: 'Precondition failed',
  idempotency_key_reused: 'Idempotency-Key used for another request',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  request_timeout: 'Request not received in time',
  headers_too_large: 'Request headers too large',
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

/** The problem+json body of an error. */
function problemBody(err: AppError, requestId: string, instance?: string): Problem {
  return {
    type: `urn:slotplane:problem:${err.code}`,
    title: titles[err.code],
    status: err.status,
    detail: err.detail,
    code: err.code,
    requestId,
    ...(instance ? { instance } : {}),
    ...(err.errors ? { errors: err.errors } : {}),
    ...(err.quota ? { quota: err.quota } : {}),
  };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, err: AppError) {
  return reply.status(err.status).type('application/problem+json').send(problemBody(err, String(request.id), request.url));
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
  // Which methods each path answers, for a 405 that says what is allowed.
  const routes: Array<{ pattern: RegExp; methods: string[] }> = [];
  app.addHook('onRoute', (route) => {
    // Every documented route can meet these before its handler runs: in the OpenAPI document too.
    const response = route.schema?.response as Record<number, unknown> | undefined;
    if (response) {
      const extra: ErrorCode[] = ['request_timeout', 'headers_too_large', ...(route.schema?.body ? (['payload_too_large', 'unsupported_media_type'] as const) : [])];
      route.schema!.response = { ...problems(...extra), ...response };
    }
    const pattern = new RegExp(`^${route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}/?$`);
    routes.push({ pattern, methods: [route.method].flat() });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods))];
    if (allowed.length) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(request, reply, new AppError('method_not_allowed', `${path} does not take ${request.method}; it takes ${allowed.join(', ')}`));
    }
    return sendProblem(request, reply, new AppError('not_found', `no route for ${request.method} ${path}`));
  });
}

/**
 * Errors Node's HTTP parser meets before there is a request to route (headers too large, a
 * request not received within the timeout, malformed HTTP): answered as problem+json too.
 */
export function clientErrorHandler(parseError: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return void socket.destroy();
  const err =
    parseError.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('headers_too_large', 'the request line and headers are larger than this server takes (16 KiB)')
      : parseError.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError('request_timeout', 'the request (headers and body) did not arrive in time')
        : new AppError('validation_failed', 'the request is not valid HTTP');
  const body = JSON.stringify(problemBody(err, randomUUID()));
  socket.end(`HTTP/1.1 ${err.status} ${titles[err.code]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Errors the router meets before there is a route (a malformed URL, a path segment past 100 characters). */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const detail = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path segment is longer than any id (100 characters)' : 'the URL is not valid (check its percent-encoding)';
  return sendProblem(request, reply, new AppError('validation_failed', `path: ${detail}`, [{ field: 'path', message: detail }]));
}
