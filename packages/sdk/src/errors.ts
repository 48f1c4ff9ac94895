import type { components } from './schema.ts';

export type Problem = components['schemas']['Problem'];
export type ProblemCode = Problem['code'];
export type FieldError = components['schemas']['FieldError'];

/** An API error: the problem+json the API answered, typed. */
export class SlotplaneError extends Error {
  override readonly name = 'SlotplaneError';
  readonly status: number;
  /** One of the API's closed set of error codes; `unknown` when the answer was not a problem (a proxy's page). */
  readonly code: ProblemCode | 'unknown';
  readonly detail: string;
  /** Every offending field, for `validation_failed`. */
  readonly errors: FieldError[];
  readonly requestId: string | undefined;
  /** The whole problem document, when there was one (e.g. `quota` for `quota_exceeded`). */
  readonly problem: Problem | undefined;

  constructor(status: number, body: unknown) {
    const problem = isProblem(body) ? body : undefined;
    const detail = problem?.detail ?? (typeof body === 'string' && body ? body.slice(0, 500) : `HTTP ${status}`);
    super(`${status} ${problem?.code ?? 'unknown'}: ${detail}`);
    this.status = status;
    this.code = problem?.code ?? 'unknown';
    this.detail = detail;
    this.errors = problem?.errors ?? [];
    this.requestId = problem?.requestId;
    this.problem = problem;
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).code === 'string' && typeof (body as Problem).status === 'number';
}

/** Reads a failed response's body as the SlotplaneError it carries. */
export async function errorOf(response: Response): Promise<SlotplaneError> {
  const text = await response.text().catch(() => '');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text for the detail.
  }
  return new SlotplaneError(response.status, body);
}
