import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';

type Json = Record<string, unknown>;
type Doc = { paths?: Json; components?: { schemas?: Record<string, Json> } };

const REF = '#/components/schemas/';

function refsIn(node: unknown, out: Set<string>) {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF)) out.add(v.slice(REF.length));
      else refsIn(v, out);
    }
  }
}

function renameRefs(node: unknown, from: string, to: string): void {
  if (Array.isArray(node)) node.forEach((n) => renameRefs(n, from, to));
  else if (node && typeof node === 'object') {
    const o = node as Json;
    if (o.$ref === REF + from) o.$ref = REF + to;
    Object.values(o).forEach((v) => renameRefs(v, from, to));
  }
}

/**
 * The zod type provider emits every registered schema twice (input and output shapes) and
 * stamps each with $schema/$id. SDK generators want one clean name per type that is
 * actually used: keep what the paths reach, and call an input-only shape by its own name.
 */
export const tidyOpenApi: typeof jsonSchemaTransformObject = (input) => {
  const doc = jsonSchemaTransformObject(input) as Doc;
  const schemas = doc.components?.schemas;
  if (!schemas) return doc as never;
  for (const s of Object.values(schemas)) {
    delete s.$schema;
    delete s.$id;
  }
  const reachable = new Set<string>();
  const pending = new Set<string>();
  refsIn(doc.paths, pending);
  while (pending.size) {
    const [name] = pending;
    pending.delete(name!);
    if (reachable.has(name!)) continue;
    reachable.add(name!);
    const more = new Set<string>();
    refsIn(schemas[name!], more);
    more.forEach((m) => pending.add(m));
  }
  for (const name of Object.keys(schemas)) if (!reachable.has(name)) delete schemas[name];
  for (const name of Object.keys(schemas)) {
    const base = name.replace(/Input$/, '');
    if (base !== name && !(base in schemas)) {
      schemas[base] = schemas[name]!;
      delete schemas[name];
      renameRefs(doc, name, base);
    }
  }
  doc.components!.schemas = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  optionalBodies(doc);
  return doc as never;
};

/**
 * Fastify hands a request without a body to the validator as null: a route whose body schema
 * takes null (`.nullable()`) has an optional body. Documented as such: not required, the
 * object's own schema.
 */
function optionalBodies(doc: Doc): void {
  for (const path of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(path as Record<string, Json>)) {
      const body = op.requestBody as { required?: boolean; content?: Record<string, { schema?: Json }> } | undefined;
      const media = body?.content?.['application/json'];
      const anyOf = media?.schema?.anyOf as Json[] | undefined;
      if (!body || !media || anyOf?.length !== 2 || !anyOf.some((s) => s.type === 'null')) continue;
      media.schema = anyOf.find((s) => s.type !== 'null')!;
      body.required = false;
    }
  }
}
