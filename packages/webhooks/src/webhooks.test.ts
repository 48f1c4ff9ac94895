import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAllowedAddress, parseNetworkPolicy, resolveTarget, sign, TargetRefused, TargetUnresolved, verify } from './index.ts';

describe('signatures', () => {
  const body = '{"id":"ZTE","type":"cluster.created"}';
  it('verifies what was signed, and nothing else', () => {
    const header = sign('whsec_a', body);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verify('whsec_a', header, body)).toBe(true);
    expect(verify('whsec_b', header, body)).toBe(false);
    expect(verify('whsec_a', header, body.replace('created', 'deleted'))).toBe(false);
    expect(verify('whsec_a', undefined, body)).toBe(false);
    expect(verify('whsec_a', 't=1,v1=zz', body)).toBe(false);
  });
  it("agrees with the README's verification snippet", async () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const snippet = readme.match(/Verify it against the raw body:\n\n```js\n([\s\S]*?)```/)![1]!;
    const mod = await import(`data:text/javascript,${encodeURIComponent(`${snippet}\nexport { verify };`)}`);
    expect(mod.verify('whsec_a', sign('whsec_a', body), body)).toBe(true);
    expect(mod.verify('whsec_a', sign('whsec_a', body), `${body} `)).toBe(false);
    expect(mod.verify('whsec_b', sign('whsec_a', body), body)).toBe(false);
    expect(mod.verify('whsec_a', sign('whsec_a', body, Math.floor(Date.now() / 1000) - 600), body)).toBe(false);
  });
  it('refuses a replay older than the tolerance', () => {
    const old = sign('whsec_a', body, Math.floor(Date.now() / 1000) - 600);
    expect(verify('whsec_a', old, body)).toBe(false);
    expect(verify('whsec_a', old, body, 900)).toBe(true);
  });
});

describe('the networks webhooks may reach', () => {
  const publicOnly = parseNetworkPolicy('public');
  it('lets public addresses through and keeps loopback, private, link-local and metadata addresses out', () => {
    for (const ok of ['93.184.216.34', '8.8.8.8', '2606:4700::1111']) expect(isAllowedAddress(publicOnly, ok), ok).toBe(true);
    for (const no of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip']) {
      expect(isAllowedAddress(publicOnly, no), no).toBe(false);
    }
  });
  it('refuses every IPv6 form that carries a non-public IPv4 address, and site-local', async () => {
    const forms = ['::ffff:7f00:1', '::ffff:127.0.0.1', '::7f00:1', '::127.0.0.1', '::a9fe:a9fe', '::ffff:0:7f00:1', '64:ff9b::7f00:1', '2002:7f00:1::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', 'fec0::1', 'feff::1'];
    for (const no of forms) expect(isAllowedAddress(publicOnly, no), no).toBe(false);
    for (const no of forms) await expect(resolveTarget(publicOnly, `http://[${no}]/hook`), no).rejects.toBeInstanceOf(TargetRefused);
    // A mapped public address is the public address.
    expect(isAllowedAddress(publicOnly, '::ffff:808:808')).toBe(true);
  });

  it('allows what is configured besides, and only that without "public"', () => {
    const dev = parseNetworkPolicy('public, 127.0.0.0/8, ::1/128');
    expect(isAllowedAddress(dev, '127.0.0.5')).toBe(true);
    expect(isAllowedAddress(dev, '::1')).toBe(true);
    expect(isAllowedAddress(dev, '10.0.0.1')).toBe(false);
    const internal = parseNetworkPolicy('10.20.0.0/16');
    expect(isAllowedAddress(internal, '10.20.3.4')).toBe(true);
    expect(isAllowedAddress(internal, '8.8.8.8')).toBe(false);
  });
  it('names a bad entry', () => {
    expect(() => parseNetworkPolicy('public,10.0.0.0/33')).toThrow('"10.0.0.0/33"');
    expect(() => parseNetworkPolicy('internet')).toThrow('"internet"');
  });
  it('checks every address a name resolves to, and the URL itself', async () => {
    await expect(resolveTarget(publicOnly, 'http://localhost:9/hook')).rejects.toThrow(/resolves to (127\.0\.0\.1|::1), outside the networks/);
    await expect(resolveTarget(publicOnly, 'http://[::ffff:7f00:1]/')).rejects.toThrow(/outside the networks/);
    await expect(resolveTarget(publicOnly, 'ftp://example.com/')).rejects.toThrow('must be an http or https URL');
    await expect(resolveTarget(publicOnly, 'https://user:pw@93.184.216.34/')).rejects.toThrow('must not carry credentials');
    await expect(resolveTarget(publicOnly, 'not a url')).rejects.toThrow('is not a URL');
    // A name that does not resolve is refused when a webhook is made, yet told apart: a delivery retries it.
    const unresolved = await resolveTarget(publicOnly, 'https://no-such-host.invalid/hook').catch((err: unknown) => err);
    expect(unresolved).toBeInstanceOf(TargetUnresolved);
    expect(unresolved).toBeInstanceOf(TargetRefused);
    const outside = await resolveTarget(publicOnly, 'http://localhost:9/hook').catch((err: unknown) => err);
    expect(outside).not.toBeInstanceOf(TargetUnresolved);
    const target = await resolveTarget(parseNetworkPolicy('127.0.0.0/8'), 'http://127.0.0.7:8080/x');
    expect(target).toMatchObject({ address: '127.0.0.7', family: 4 });
  });
});
