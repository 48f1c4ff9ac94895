// Regenerates src/schema.ts from the committed OpenAPI document: `pnpm openapi` runs it after
// writing the document. The SDK reads the committed file (not the API's code), as a client of a
// published API would.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

/** The tenant API's committed document, written by `pnpm openapi` in services/api. */
export const openApiDocumentPath = fileURLToPath(new URL('../../../services/api/openapi.json', import.meta.url));
/** The generated types, committed beside the hand-written client. */
export const schemaPath = fileURLToPath(new URL('./schema.ts', import.meta.url));

const HEADER = `/**
 * Generated from services/api/openapi.json by openapi-typescript (\`pnpm openapi\`).
 * Do not edit: change the routes, then regenerate.
 */

`;

/** The TypeScript types of an OpenAPI document, as committed in src/schema.ts. */
export async function generateSchema(document: string): Promise<string> {
  const ast = await openapiTS(JSON.parse(document) as Parameters<typeof openapiTS>[0], { alphabetize: false, defaultNonNullable: false });
  return HEADER + astToString(ast);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(schemaPath, await generateSchema(readFileSync(openApiDocumentPath, 'utf8')));
  console.log(`wrote ${schemaPath}`);
}
