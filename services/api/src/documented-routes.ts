/** A route as the OpenAPI document describes it: what the fuzz test and the cross-tenant walk drive. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  operationId: string;
  pathParams: string[];
  queryParams: string[];
  /** Top-level properties of a JSON object body; null when the route takes no body. */
  bodyFields: string[] | null;
}

type Doc = {
  paths?: Record<string, Record<string, { operationId?: string; parameters?: Array<{ in: string; name: string }>; requestBody?: { content?: Record<string, { schema?: unknown }> } }>>;
  components?: { schemas?: Record<string, unknown> };
};

/** Every operation of the document under /v1/ (the tenant document, or the agents' own). */
export function documentedRoutes(doc: unknown): Route[] {
  const d = doc as Doc;
  const resolve = (s: unknown): { properties?: Record<string, unknown> } => {
    const ref = (s as { $ref?: string } | undefined)?.$ref;
    return (ref ? d.components?.schemas?.[ref.split('/').pop()!] : s) as { properties?: Record<string, unknown> };
  };
  return Object.entries(d.paths ?? {})
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const params = op.parameters ?? [];
        const body = op.requestBody?.content?.['application/json']?.schema;
        return {
          method: method.toUpperCase() as Route['method'],
          path,
          operationId: op.operationId ?? `${method} ${path}`,
          pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
          queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
          bodyFields: body ? Object.keys(resolve(body)?.properties ?? {}) : null,
        };
      }),
    );
}
