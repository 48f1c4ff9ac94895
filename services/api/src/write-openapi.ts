// Regenerates the committed OpenAPI documents (tenant and agent) from the route schemas: `pnpm openapi`.
import { writeFileSync } from 'node:fs';
import { agentOpenApiPath, openApiDocuments, openApiPath } from './openapi.ts';

const docs = await openApiDocuments();
writeFileSync(openApiPath, docs.tenant);
writeFileSync(agentOpenApiPath, docs.agent);
console.log(`wrote ${openApiPath} and ${agentOpenApiPath}`);
