import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedLocalhost } from './cert.ts';

// The launch as Terraform does it, without Terraform: magic cookie and client cert in the
// environment, the handshake line on stdout, then gRPC over mutual TLS on the socket it names.
const MAGIC_COOKIE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const protoDir = fileURLToPath(new URL('../proto/', import.meta.url));

let child: ChildProcess;
let handshake: string;
const clientCert = selfSignedLocalhost();

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE, PLUGIN_PROTOCOL_VERSIONS: '5,6', PLUGIN_CLIENT_CERT: clientCert.certPem },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  handshake = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
});
afterAll(() => child?.kill('SIGKILL'));

function dial() {
  const [, , , address, , cert] = handshake.split('|');
  const def = grpc.loadPackageDefinition(protoLoader.loadSync(['tfplugin6.proto', 'plugin.proto'], { includeDirs: [protoDir], keepCase: true, enums: String, longs: Number, defaults: true })) as never as {
    tfplugin6: { Provider: grpc.ServiceClientConstructor };
    plugin: { GRPCController: grpc.ServiceClientConstructor };
  };
  const der = Buffer.from(cert!, 'base64');
  const serverPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  const creds = grpc.credentials.createSsl(Buffer.from(serverPem), Buffer.from(clientCert.keyPem), Buffer.from(clientCert.certPem));
  const options = { 'grpc.ssl_target_name_override': 'localhost' };
  return {
    provider: new def.tfplugin6.Provider(`unix://${address}`, creds, options),
    controller: new def.plugin.GRPCController(`unix://${address}`, creds, options),
  };
}

const unary = (client: grpc.Client, method: string, req: object) =>
  new Promise<Record<string, unknown>>((resolve, reject) =>
    (client as unknown as Record<string, (r: object, cb: (e: Error | null, res: Record<string, unknown>) => void) => void>)[method]!(req, (e, res) => (e ? reject(e) : resolve(res))),
  );

describe('the go-plugin launch', () => {
  it('prints one handshake line: protocol 6 on a unix socket, the cert as unpadded base64 DER', () => {
    expect(handshake).toMatch(/^1\|6\|unix\|\/.+\/plugin\.sock\|grpc\|[A-Za-z0-9+/]{100,}$/);
  });

  it('serves the provider schema over mutual TLS', async () => {
    const { provider } = dial();
    const res = await unary(provider, 'GetProviderSchema', {});
    expect(Object.keys(res.resource_schemas as object)).toEqual(['slotplane_cluster']);
    expect(Object.keys(res.data_source_schemas as object)).toEqual(['slotplane_cluster']);
    provider.close();
  });

  it('exits on the controller\'s Shutdown, as Terraform expects within 2 s', async () => {
    const { controller } = dial();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await unary(controller, 'Shutdown', {});
    expect(await exited).toBe(0);
    controller.close();
  });
});

describe('started by hand', () => {
  it('says it is a Terraform plugin and exits 1', async () => {
    const bare = spawn(process.execPath, ['--import', 'tsx', main], { env: { ...process.env, TF_PLUGIN_MAGIC_COOKIE: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    bare.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => bare.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('plugin for Terraform');
  });
});
