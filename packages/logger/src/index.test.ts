import { describe, expect, it } from 'vitest';
import { createLogger } from './index.ts';

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (s: string) => void lines.push(s) } };
}

describe('createLogger', () => {
  it('never writes an API key, password or Authorization header', () => {
    const out = capture();
    const log = createLogger('test', { destination: out.destination });
    log.info({ req: { headers: { authorization: 'Bearer sp_live_secret' } } }, 'request');
    log.info({ cluster: { password: 'hunter2' }, apiKey: 'sp_key_value' }, 'created');
    const text = out.lines.join('');
    expect(text).not.toContain('sp_live_secret');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('sp_key_value');
    expect(text).toContain('[redacted]');
  });

  it('redacts secrets at any depth, in nested objects and arrays, and keeps everything else', () => {
    const out = capture();
    const log = createLogger('test', { destination: out.destination });
    log.info(
      {
        clusterId: 'c1',
        leaseToken: 42,
        assignment: { instances: [{ port: 7000, passwords: { admin: 'pw-admin', tenant: 'pw-tenant' } }, { port: 7001, config: { users: [{ adminPassword: 'pw-deep' }] } }] },
        webhooks: [[{ url: 'https://example.com/h', Secret: 'whsec_nested' }]],
        headers: { 'x-api-key': 'sp_header_key' },
      },
      'assigned',
    );
    const [line] = out.lines.map((l) => JSON.parse(l));
    const text = out.lines.join('');
    for (const s of ['pw-admin', 'pw-tenant', 'pw-deep', 'whsec_nested', 'sp_header_key']) expect(text).not.toContain(s);
    expect(line.assignment.instances[0]).toEqual({ port: 7000, passwords: '[redacted]' });
    expect(line.assignment.instances[1].config.users[0].adminPassword).toBe('[redacted]');
    expect(line.webhooks[0][0]).toEqual({ url: 'https://example.com/h', Secret: '[redacted]' });
    expect(line).toMatchObject({ clusterId: 'c1', leaseToken: 42, msg: 'assigned', service: 'test' });
  });

  it('redacts secrets bound to a child logger and carried by an error', () => {
    const out = capture();
    const log = createLogger('test', { destination: out.destination }).child({ node: { auth: { password: 'pw-bound' } } });
    // What ioredis attaches to a failed AUTH or MIGRATE: the command with its arguments.
    const err = Object.assign(new Error('WRONGPASS invalid username-password pair'), { command: { name: 'auth', args: ['slotplane', 'pw-in-args'] } });
    log.warn({ err }, 'node refused us');
    const [line] = out.lines.map((l) => JSON.parse(l));
    expect(out.lines.join('')).not.toMatch(/pw-bound|pw-in-args/);
    expect(line.err).toMatchObject({ type: 'Error', message: 'WRONGPASS invalid username-password pair', command: { name: 'auth', args: '[redacted]' } });
  });
});
