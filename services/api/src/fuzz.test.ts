import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';
import { parseNetworkPolicy } from '@slotplane/webhooks';
import { documentedRoutes, type Route } from './documented-routes.ts';
import { createEnrollmentToken } from './store/hosts.ts';

// Every documented route (the tenant document's and the agents'), every parameter, driven from
// the OpenAPI documents: whatever is sent, the answer is never a 5xx, and every 4xx is
// problem+json with the status it claims.
let h: ApiHarness;
let auth: { authorization: string };
let agentAuth: { authorization: string };
let enrollAuth: { authorization: string };
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startApiHarness({ rateLimitPerMinute: 1_000_000, webhookNetworks: parseNetworkPolicy('127.0.0.0/8') });
  const t = await h.tenant('fuzzer', 'admin');
  auth = t.auth;
  const created = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: { name: 'target', shards: 1, replicasPerShard: 1 } })).json();
  ids.clusterId = created.cluster.id;
  ids.operationId = created.operation.id;
  ids.tenantId = t.tenantId;
  ids.index = '0';
  ids.webhookId = (await h.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth, payload: { url: 'http://127.0.0.1:9/hook' } })).json().id;
  ids.keyId = (await h.app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth, payload: { scope: 'read' } })).json().id;
  const enrolled = await h.app.inject({
    method: 'POST', url: '/v1/agent/enroll', headers: { authorization: `Bearer ${await createEnrollmentToken(h.database.db)}` },
    payload: { name: 'fuzzed-host', address: '127.0.0.1', portMin: 30000, portMax: 30099 },
  });
  agentAuth = { authorization: `Bearer ${enrolled.json().hostToken}` };
  enrollAuth = { authorization: `Bearer ${await createEnrollmentToken(h.database.db)}` };
});
afterAll(() => h?.close());

/** Values a client might send by mistake or on purpose, as the text of a path, query or header. */
const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '-1', '0', '1e2', '0x10', '1.5', 'NaN', 'null', 'true', '[]', '{}', '%00', '\0', 'a\0b', '../..', '__proto__', 'x'.repeat(300), '9'.repeat(40)),
  fc.integer().map(String),
  fc.uuid().map((u) => u.toUpperCase()),
);
// Mostly any JSON; now and then a value past the body limit, or a reserved key.
const jsonJunk = fc.oneof(
  { weight: 30, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constant('x'.repeat(70_000)) },
  { weight: 1, arbitrary: fc.constant(JSON.parse('{"__proto__": 1}')) },
  // Deep nesting (8,000 levels overflowed the stack once) and NUL characters (Postgres refuses them).
  // (A deep value travels as a token that \`payloadOf\` turns into brackets: building it as a value
  // would overflow the test's own stack.)
  { weight: 1, arbitrary: fc.integer({ min: 30, max: 9000 }).map((depth) => `@@deep:${depth}@@`) },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }).map((s) => `${s}\0${s}`) },
);

/** The body's JSON text, each deep-nesting token replaced by that many levels of brackets. */
const payloadOf = (body: unknown) => JSON.stringify(body).replace(/"@@deep:(\d+)@@"/g, (_, n: string) => `${'['.repeat(Number(n))}${']'.repeat(Number(n))}`);

/** A request for the route: each parameter valid, junk or missing; the body's known fields junk or missing, plus extras. */
function requestFor(route: Route) {
  const param = (name: string) => fc.oneof({ weight: 2, arbitrary: fc.constant(ids[name] ?? 'x') }, { weight: 3, arbitrary: junk });
  const path = fc.tuple(...route.pathParams.map((p) => param(p).map((v) => [p, v] as const)));
  const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...(route.queryParams.length ? route.queryParams : ['x'])), fc.string({ maxLength: 10 })), junk), { maxLength: 4 });
  const headers = fc.record({ 'idempotency-key': junk, 'if-match': junk, 'last-event-id': junk }, { requiredKeys: [] });
  const body = route.bodyFields
    ? fc.oneof(
        fc.record(Object.fromEntries(route.bodyFields.map((f) => [f, jsonJunk])), { requiredKeys: [] }),
        fc.tuple(fc.record(Object.fromEntries(route.bodyFields.map((f) => [f, jsonJunk])), { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 8 }), jsonJunk, { maxKeys: 2 })).map(([a, b]) => ({ ...b, ...a })),
        jsonJunk,
      )
    : fc.constant(undefined);
  return fc.record({ path, query, headers, body });
}

describe('fuzzing every route from the OpenAPI document', () => {
  it('never answers 5xx, and every 4xx is problem+json naming its status', async () => {
    // The stream and a long poll answer only when something happens: their waits are not fuzzed.
    const routes = [...documentedRoutes(await h.app.swagger()), ...documentedRoutes(await h.app.agentSwagger())].filter((r) => r.path !== '/v1/events/stream');
    expect(routes.length).toBeGreaterThan(25);
    for (const route of routes) {
      const credential = route.path === '/v1/agent/enroll' ? enrollAuth : route.path.startsWith('/v1/agent/') ? agentAuth : auth;
      await fc.assert(
        fc.asyncProperty(requestFor(route), async ({ path, query, headers, body }) => {
          let url = route.path;
          for (const [name, value] of path) url = url.replace(`{${name}}`, encodeURIComponent(value));
          const search = new URLSearchParams([...query.filter(([k]) => k !== 'waitMs').map(([k, v]) => [k, v] as [string, string]), ...(route.queryParams.includes('waitMs') ? [['waitMs', '0'] as [string, string]] : [])]).toString();
          const res = await h.app.inject({
            method: route.method,
            url: search ? `${url}?${search}` : url,
            headers: { ...credential, ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(/[^\x20-\x7e]/g, '')])), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
            ...(body !== undefined ? { payload: payloadOf(body) } : {}),
          });
          expect(res.statusCode, `${route.method} ${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
          if (res.statusCode >= 400) {
            expect(res.headers['content-type'], `${route.method} ${url}`).toContain('application/problem+json');
            expect(res.json().status).toBe(res.statusCode);
          }
        }),
        { numRuns: Number(process.env.FUZZ_RUNS ?? 60), seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
      );
    }
  }, 240_000);
});
