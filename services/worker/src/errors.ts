/**
 * The one error model of the worker. Retryable errors (a node or Postgres not answering, a
 * lease taken by another worker) make the cluster's job run again after a backoff; permanent
 * ones fail the cluster's open operations with their code at once. An error of any other type
 * is a bug or an outage, and counts as retryable.
 */
export class WorkerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

export const isRetryable = (err: unknown) => !(err instanceof WorkerError) || err.retryable;
