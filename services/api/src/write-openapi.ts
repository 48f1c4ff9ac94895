// Regenerates the committed OpenAPI document from the route schemas: `pnpm openapi`.
import { writeFileSync } from 'node:fs';
import { openApiDocument, openApiPath } from './openapi.ts';

writeFileSync(openApiPath, await openApiDocument());
console.log(`wrote ${openApiPath}`);
