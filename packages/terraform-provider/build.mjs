// Builds dist/main.js (plain JavaScript for node, no loader needed) from src/: one bundle with the
// workspace code it uses (@slotplane/contracts: the API's own field checks), npm packages left to
// node_modules. Type checking is the repository's tsc run.
import { chmodSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: [join(here, 'src', 'main.ts')],
  outfile: join(dist, 'main.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The provider's own npm dependencies load from its node_modules; the workspace's are bundled.
  plugins: [
    {
      name: 'npm-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@slotplane/') || args.path === 'zod' || args.path.startsWith('zod/') ? undefined : { path: args.path, external: true }));
      },
    },
  ],
  logLevel: 'warning',
});
chmodSync(join(here, 'bin', 'terraform-provider-slotplane'), 0o755);
process.stderr.write(`built ${join(here, 'bin', 'terraform-provider-slotplane')}\n`);
