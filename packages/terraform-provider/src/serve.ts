import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { selfSignedLocalhost } from './cert.ts';
import { createProvider, diagnosticsOf, type ProviderMethods } from './provider.ts';

/**
 * go-plugin's side of the launch, as Terraform 1.x expects it: check the magic cookie, serve
 * tfplugin6 over gRPC with TLS on a unix socket, then print the one handshake line on stdout.
 */

const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const PROTOCOL_VERSION = 6;
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/**
 * One log line on stderr, in hclog's JSON, which go-plugin parses so that TF_LOG shows it at its
 * level. go-plugin parses the timestamp with exactly six fractional digits, or drops to DEBUG.
 */
export function logLine(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
  const timestamp = new Date().toISOString().replace(/Z$/, '000Z');
  process.stderr.write(`${JSON.stringify({ '@level': level, '@message': message, '@module': 'slotplane', '@timestamp': timestamp })}\n`);
}

function loadServices() {
  const protoDir = fileURLToPath(new URL('../proto/', import.meta.url));
  const definition = protoLoader.loadSync(['tfplugin6.proto', 'plugin.proto'], {
    includeDirs: [protoDir],
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    tfplugin6: { Provider: grpc.ServiceClientConstructor };
    plugin: { GRPCController: grpc.ServiceClientConstructor };
  };
  return { provider: loaded.tfplugin6.Provider.service, controller: loaded.plugin.GRPCController.service };
}

/** Every method answers; a thrown error becomes an error diagnostic, as Terraform shows them. */
function handlers(methods: ProviderMethods): grpc.UntypedServiceImplementation {
  return Object.fromEntries(
    Object.entries(methods).map(([name, fn]) => [
      name,
      (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        (fn as (req: unknown) => Promise<unknown>)(call.request)
          .then((res) => callback(null, res))
          .catch((err: unknown) => {
            logLine('error', `${name}: ${(err as Error)?.stack ?? String(err)}`);
            callback(null, { diagnostics: diagnosticsOf(err) });
          });
      },
    ]),
  );
}

export async function serve(): Promise<void> {
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    process.stderr.write('This binary is a plugin for Terraform (provider slotplane/slotplane). Terraform starts it; it does nothing on its own.\n');
    process.exit(1);
  }
  const offered = (process.env.PLUGIN_PROTOCOL_VERSIONS ?? String(PROTOCOL_VERSION)).split(',').map((v) => Number(v.trim()));
  if (!offered.includes(PROTOCOL_VERSION)) {
    process.stderr.write(`Terraform offers plugin protocol ${offered.join(', ')}; this provider speaks ${PROTOCOL_VERSION} (Terraform 1.0 or later).\n`);
    process.exit(1);
  }

  const services = loadServices();
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, 'grpc.max_send_message_length': MAX_MESSAGE_BYTES });
  const socketDir = mkdtempSync(join(tmpdir(), 'tf-slotplane-'));
  const cleanup = () => rmSync(socketDir, { recursive: true, force: true });
  const exit = () => {
    server.forceShutdown();
    cleanup();
    process.exit(0);
  };

  server.addService(services.provider, handlers(createProvider((m) => logLine('info', m))));
  server.addService(services.controller, {
    Shutdown: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
      callback(null, {});
      // Let the reply go out (Terraform closes its connection on it), then leave; never past 1 s.
      server.tryShutdown(exit);
      setTimeout(exit, 1000);
    },
  });

  const cert = selfSignedLocalhost();
  const clientCert = process.env.PLUGIN_CLIENT_CERT;
  // AutoMTLS: Terraform dials TLS trusting the cert in the handshake line, and presents its own.
  const credentials = clientCert
    ? grpc.ServerCredentials.createSsl(Buffer.from(clientCert), [{ cert_chain: Buffer.from(cert.certPem), private_key: Buffer.from(cert.keyPem) }], true)
    : grpc.ServerCredentials.createInsecure();
  const socket = join(socketDir, 'plugin.sock');
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, credentials, (err) => (err ? reject(err) : resolve())));

  process.once('SIGTERM', exit);
  process.once('SIGINT', () => undefined); // Terraform forwards Ctrl-C as StopProvider; the process ends on Shutdown.
  // Orphaned (Terraform died without Shutdown): leave.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && exit(), 1000).unref();

  process.stdout.write(`1|${PROTOCOL_VERSION}|unix|${socket}|grpc|${clientCert ? cert.handshakeBase64 : ''}\n`);
}
