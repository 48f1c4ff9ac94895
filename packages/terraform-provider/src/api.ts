import type { Cluster, Credentials as CredentialsSchema, CreateClusterBody, Operation, PatchClusterBody } from '@slotplane/contracts';

export type Credentials = ReturnType<typeof CredentialsSchema.parse>;

/** Every call to the API gives up after this long; an operation is waited for call by call. */
const REQUEST_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 1_000;

/** A problem+json answer from the API, kept whole so diagnostics can name the offending fields. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly fields: Array<{ field: string; message: string }> = [],
  ) {
    super(`${code}: ${detail}`);
  }
}

export interface Accepted {
  cluster: Cluster;
  operation: Operation;
}

export class SlotplaneApi {
  private stopped = false;

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly log: (msg: string) => void,
  ) {}

  /** Terraform asked the provider to stop (Ctrl-C): waits end at their next poll. */
  stop(): void {
    this.stopped = true;
  }

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T; etag: string | null }> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { authorization: `Bearer ${this.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : null;
    if (!res.ok) {
      const p = (parsed ?? {}) as { code?: string; detail?: string; title?: string; errors?: Array<{ field: string; message: string }> };
      throw new ApiError(res.status, p.code ?? `http_${res.status}`, p.detail ?? p.title ?? text, p.errors ?? []);
    }
    return { status: res.status, body: parsed as T, etag: res.headers.get('etag') };
  }

  async getCluster(id: string): Promise<Cluster | null> {
    try {
      const { body } = await this.call<Cluster>('GET', `/v1/clusters/${encodeURIComponent(id)}`);
      return body.status === 'deleted' ? null : body;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  /**
   * The live cluster with this name, if any (the list is paged). Names are unique within a tenant;
   * an admin key sees every tenant's clusters, so a name two tenants use is an error here.
   */
  async findClusterByName(name: string): Promise<Cluster | null> {
    if (!name) return null;
    const named: Cluster[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/v1/clusters?limit=100&name=${encodeURIComponent(name)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { body } = await this.call<{ items: Cluster[]; nextCursor: string | null }>('GET', q);
      named.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    if (named.length > 1) throw new Error(`${named.length} clusters are named "${name}" (the API key sees several tenants'): look the cluster up by id`);
    return named[0] ?? null;
  }

  async credentials(id: string): Promise<Credentials> {
    return (await this.call<Credentials>('GET', `/v1/clusters/${encodeURIComponent(id)}/credentials`)).body;
  }

  async createCluster(body: CreateClusterBody): Promise<Accepted> {
    return (await this.call<Accepted>('POST', '/v1/clusters', body)).body;
  }

  /** A PATCH guarded by the generation the plan was made from; null when it changed nothing. */
  async updateCluster(id: string, body: PatchClusterBody, generation: number | undefined): Promise<Accepted | null> {
    const headers: Record<string, string> = generation === undefined ? {} : { 'if-match': `"${generation}"` };
    const res = await this.call<Accepted | Cluster>('PATCH', `/v1/clusters/${encodeURIComponent(id)}`, body, headers);
    return res.status === 202 ? (res.body as Accepted) : null;
  }

  /** null when the cluster is already gone. */
  async deleteCluster(id: string): Promise<Accepted | null> {
    try {
      return (await this.call<Accepted>('DELETE', `/v1/clusters/${encodeURIComponent(id)}`)).body;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  /** Polls an operation until it ends, logging its progress; throws unless it succeeded. */
  async waitForOperation(op: Operation): Promise<Operation> {
    let last = '';
    for (;;) {
      const { body } = await this.call<Operation>('GET', `/v1/operations/${encodeURIComponent(op.id)}`);
      const line = `operation ${body.id} (${body.kind}): ${body.status} ${body.progress}%${body.step ? ` ${body.step}` : ''}`;
      if (line !== last) this.log(line);
      last = line;
      if (body.status === 'succeeded') return body;
      if (body.status === 'failed' || body.status === 'cancelled') {
        throw new ApiError(409, body.error?.code ?? body.status, `operation ${body.id} (${body.kind}) ${body.status}: ${body.error?.message ?? 'no reason given'}`);
      }
      if (this.stopped) throw new ApiError(499, 'stopped', `stopped while waiting for operation ${body.id}; it goes on in Slotplane`);
      await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
    }
  }
}
