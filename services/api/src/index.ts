export { buildApp, type Api, type ApiDeps, API_VERSION } from './app.ts';
export { generateApiKey, hashCredential } from './auth.ts';
export { TenancyEnv, loadApiEnv, tenancyDeps, type ApiEnv } from './config.ts';
export { openApiDocument, openApiPath } from './openapi.ts';
export { createTenant, isValidApiKey, type NewTenant } from './store/tenants.ts';
export { createEnrollmentToken } from './store/hosts.ts';
export { listKeysOf, revokeKeyById } from './store/api-keys.ts';
