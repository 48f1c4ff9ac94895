export { buildApp, type Api, type ApiDeps, API_VERSION } from './app.ts';
export type { ConsoleFiles } from './routes/console.ts';
export { generateApiKey, hashCredential } from './auth.ts';
export { TenancyEnv, loadApiEnv, tenancyDeps, type ApiEnv } from './config.ts';
export { agentOpenApiPath, openApiDocument, openApiDocuments, openApiPath } from './openapi.ts';
export { createTenant, isValidApiKey, type NewTenant } from './store/tenants.ts';
export { ENROLLMENT_TOKEN_MAX_TTL_MS, ENROLLMENT_TOKEN_TTL_MS, createEnrollmentToken, findHostId, revokeHost, rotateHostCredential } from './store/hosts.ts';
export { listKeysOf, revokeKeyById } from './store/api-keys.ts';
