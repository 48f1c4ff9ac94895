// Builds dist/ (plain JavaScript for node, no loader needed) from src/. Type checking is the
// repository's tsc run; this only strips types, file by file.
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
for (const file of readdirSync(src)) {
  if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
  const out = ts.transpileModule(readFileSync(join(src, file), 'utf8'), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.ES2022,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      rewriteRelativeImportExtensions: true,
    },
  });
  writeFileSync(join(dist, file.replace(/\.ts$/, '.js')), out.outputText);
}
chmodSync(join(here, 'bin', 'terraform-provider-slotplane'), 0o755);
process.stderr.write(`built ${join(here, 'bin', 'terraform-provider-slotplane')}\n`);
