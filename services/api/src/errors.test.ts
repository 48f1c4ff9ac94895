import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '@slotplane/testkit';

let h: ApiHarness;
let auth: { authorization: string };
let base: URL;

beforeAll(async () => {
  h = await startApiHarness();
  auth = (await h.tenant()).auth;
  base = new URL(await h.app.listen({ host: '127.0.0.1', port: 0 }));
});
afterAll(() => h?.close());

/** Sends raw bytes and resolves with what the server answered before closing. */
function raw(bytes: string, { end = true } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname, () => (end ? socket.end(bytes) : socket.write(bytes)));
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}
const problemOf = (response: string) => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));

describe('errors met before a handler runs are problem+json too', () => {
  it('a wrong method: 405 with Allow', async () => {
    const res = await h.app.inject({ method: 'PUT', url: '/v1/clusters', headers: auth });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toMatch(/GET/);
    expect(res.headers.allow).toMatch(/POST/);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'method_not_allowed', status: 405 });
    const one = await h.app.inject({ method: 'POST', url: '/v1/clusters/01a20975-b152-78af-b4a9-05811e91e4ac/credentials', headers: auth });
    expect(one.statusCode).toBe(405);
    expect(one.headers.allow).toMatch(/^GET/);
  });

  it('an unknown route: 404', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: auth });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not_found' });
  });

  it('headers too large: 431', async () => {
    const response = await raw(`GET /v1/clusters/${'x'.repeat(20_000)} HTTP/1.1\r\nHost: a\r\n\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 431 /);
    expect(response).toMatch(/content-type: application\/problem\+json/i);
    expect(problemOf(response)).toMatchObject({ code: 'headers_too_large', status: 431 });
  });

  it('a body that never finishes: cut off with 408 (Node alone would wait 300 s, past this test\'s 40 s)', async () => {
    const response = await raw(`POST /v1/clusters HTTP/1.1\r\nHost: a\r\nAuthorization: ${auth.authorization}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`, { end: false });
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(problemOf(response)).toMatchObject({ code: 'request_timeout' });
  }, 40_000);

  it('lists these statuses in the OpenAPI document', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const create = doc.paths['/v1/clusters'].post.responses;
    for (const code of ['408', '413', '415', '431']) expect(create[code], code).toBeDefined();
    const list = doc.paths['/v1/clusters'].get.responses;
    expect(list['431']).toBeDefined();
    expect(list['413']).toBeUndefined();
  });
});

describe('cluster requests that change nothing, or ask for what is gone', () => {
  it('a PATCH equal to the spec: 200 with the cluster, no new generation, no operation', async () => {
    const { cluster } = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: { name: 'same', shards: 1, replicasPerShard: 0, maxMemoryMb: 128 } })).json();
    const same = await h.app.inject({ method: 'PATCH', url: `/v1/clusters/${cluster.id}`, headers: auth, payload: { maxMemoryMb: 128, shards: 1 } });
    expect(same.statusCode).toBe(200);
    expect(same.json()).toMatchObject({ id: cluster.id, generation: 1 });
    const ops = (await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}/operations`, headers: auth })).json().items;
    expect(ops.map((o: { kind: string }) => o.kind)).toEqual(['create']);
    const changed = await h.app.inject({ method: 'PATCH', url: `/v1/clusters/${cluster.id}`, headers: auth, payload: { maxMemoryMb: 256 } });
    expect(changed.statusCode).toBe(202);
    expect(changed.json().cluster.generation).toBe(2);
  });

  it('credentials: never cached, and 404 once the cluster is deleted', async () => {
    const { cluster } = (await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: auth, payload: { name: 'creds', shards: 1, replicasPerShard: 0 } })).json();
    const live = await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}/credentials`, headers: auth });
    expect(live.statusCode).toBe(200);
    expect(live.headers['cache-control']).toBe('no-store');
    await h.app.inject({ method: 'DELETE', url: `/v1/clusters/${cluster.id}`, headers: auth });
    const gone = await h.app.inject({ method: 'GET', url: `/v1/clusters/${cluster.id}/credentials`, headers: auth });
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['cache-control']).toBe('no-store');
    expect(gone.body).not.toContain(live.json().password);
  });
});

describe('inputs read the same way everywhere', () => {
  const post = (payload: string) => h.app.inject({ method: 'POST', url: '/v1/clusters', headers: { ...auth, 'content-type': 'application/json' }, payload });

  it('a __proto__ key is refused by name, not as "not JSON", and creates nothing', async () => {
    const res = await post('{"name":"proto","shards":1,"replicasPerShard":0,"redisConfig":{"__proto__":{"x":1}}}');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'body.redisConfig.__proto__', message: 'is a reserved name, not a field of this API' }]);
    const list = (await h.app.inject({ url: '/v1/clusters', headers: auth })).json();
    expect(list.items.map((c: { name: string }) => c.name)).not.toContain('proto');
  });

  it('a body of another type than JSON is a 415 and creates nothing', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: { ...auth, 'content-type': type }, payload: '{"name":"plain","shards":1,"replicasPerShard":0}' });
      expect(res.statusCode, type).toBe(415);
      expect(res.headers['content-type'], type).toMatch(/problem\+json/);
    }
    const list = (await h.app.inject({ url: '/v1/clusters', headers: auth })).json();
    expect(list.items.map((c: { name: string }) => c.name)).not.toContain('plain');
  });

  it('a body nested deeper than 32 levels is a 400 saying so, however deep (8,000 levels crashed the parser once)', async () => {
    for (const depth of [33, 8000, 20_000]) {
      const res = await post(`{"name":"deep","shards":1,"replicasPerShard":0,"redisConfig":${'['.repeat(depth)}${']'.repeat(depth)}}`);
      expect(res.statusCode, String(depth)).toBe(400);
      expect(res.json().errors, String(depth)).toEqual([{ field: 'body', message: 'nests deeper than 32 levels' }]);
    }
    // Brackets inside strings are text, not nesting.
    const named = await post(`{"name":"deep","shards":1,"replicasPerShard":0,"tenantId":"${'['.repeat(40)}"}`);
    expect(named.json().errors.map((e: { field: string }) => e.field)).not.toContain('body');
    const list = (await h.app.inject({ url: '/v1/clusters', headers: auth })).json();
    expect(list.items.map((c: { name: string }) => c.name)).not.toContain('deep');
  });

  it('a NUL character anywhere is a 400 naming where, and creates nothing', async () => {
    const inName = await post('{"name":"nul\\u0000","shards":1,"replicasPerShard":0}');
    expect(inName.statusCode).toBe(400);
    expect(inName.json().errors).toEqual([{ field: 'body.name', message: 'must not contain a NUL character' }]);
    const inConfig = await post('{"name":"nul","shards":1,"replicasPerShard":0,"redisConfig":{"maxmemory-policy":"a\\u0000b"}}');
    expect(inConfig.json().errors).toEqual([{ field: 'body.redisConfig.maxmemory-policy', message: 'must not contain a NUL character' }]);
    // Postgres cannot store a NUL: in a query it was a 500.
    const inQuery = await h.app.inject({ url: '/v1/clusters?name=%00', headers: auth });
    expect(inQuery.statusCode).toBe(400);
    expect(inQuery.json().errors).toEqual([{ field: 'query', message: 'must not contain a NUL character (%00)' }]);
    const list = (await h.app.inject({ url: '/v1/clusters', headers: auth })).json();
    expect(list.items.map((c: { name: string }) => c.name)).not.toContain('nul');
  });

  it('bytes that are not UTF-8 are a 400, in the body or in a percent-escape', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","shards":1,"replicasPerShard":0}')]);
    const res = await h.app.inject({ method: 'POST', url: '/v1/clusters', headers: { ...auth, 'content-type': 'application/json' }, payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'body', message: 'is not valid UTF-8' }]);
    const query = await h.app.inject({ url: '/v1/clusters?name=%C3%28', headers: auth });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors).toEqual([{ field: 'query', message: 'has a percent-escape that is not UTF-8' }]);
  });

  it('a body that is not JSON says so', async () => {
    const res = await post('{"name":');
    expect(res.json()).toMatchObject({ status: 400, errors: [{ field: 'body', message: 'is not valid JSON' }] });
  });

  it('query numbers are decimal digits only', async () => {
    for (const limit of ['1e2', '0x10', '', ' 5', '5.0', '-1']) {
      const res = await h.app.inject({ url: `/v1/clusters?limit=${encodeURIComponent(limit)}`, headers: auth });
      expect(res.statusCode, limit).toBe(400);
      expect(res.json().errors[0].field, limit).toBe('query.limit');
    }
    expect((await h.app.inject({ url: '/v1/clusters?limit=5', headers: auth })).statusCode).toBe(200);
  });

  it('an uppercase id finds the same resource on every route', async () => {
    const { cluster, operation } = (await post('{"name":"upper","shards":1,"replicasPerShard":0}')).json();
    const id = cluster.id.toUpperCase();
    for (const url of [`/v1/clusters/${id}`, `/v1/clusters/${id}/operations`, `/v1/operations/${operation.id.toUpperCase()}`, `/v1/events?clusterId=${id}`]) {
      const res = await h.app.inject({ url, headers: auth });
      expect(res.statusCode, url).toBe(200);
    }
    const events = (await h.app.inject({ url: `/v1/events?clusterId=${id}`, headers: auth })).json();
    expect(events.items.length).toBeGreaterThan(0);
    expect((await h.app.inject({ url: `/v1/clusters/${id}`, headers: auth })).json().id).toBe(cluster.id);
  });
});
